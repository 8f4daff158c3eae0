// One HTTP(S) exchange with the center on Node's own http module. The agent used fetch; its web
// streams cost several objects per chunk and showed up as the agent's largest item after SM3 and
// garbage collection in the benchmark's profiles (bench/README.md). Node streams go straight from
// the batch file to the socket and from the socket to the inbox file.
import http, { type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';

export interface CenterResponse {
  status: number;
  ok: boolean;
  url: string;
  headers: IncomingHttpHeaders;
  /** The body, to read once (text() or a pipe); drained by the caller when not needed. */
  body: IncomingMessage;
  text(): Promise<string>;
}

export interface RequestOptions {
  headers: Record<string, string>;
  /** A string, or a stream piped into the request (the caller sets content-length). */
  body?: string | Readable;
  signal?: AbortSignal;
}

/** Keep-alive connections, shared by every call of one client; no cap, as long polls hold some. */
export class CenterHttp {
  readonly #http = new http.Agent({ keepAlive: true });
  readonly #https = new https.Agent({ keepAlive: true });

  request(method: string, url: string, opts: RequestOptions): Promise<CenterResponse> {
    const target = new URL(url);
    const secure = target.protocol === 'https:';
    const send = secure ? https.request : http.request;
    const headers = { ...opts.headers };
    if (typeof opts.body === 'string') headers['content-length'] = String(Buffer.byteLength(opts.body));
    return new Promise<CenterResponse>((resolve, reject) => {
      let answered = false;
      const req = send(target, { method, headers, agent: secure ? this.#https : this.#http, signal: opts.signal }, (res) => {
        answered = true;
        resolve({ status: res.statusCode ?? 0, ok: (res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 300, url, headers: res.headers, body: res, text: () => text(res) });
      });
      // An error after the answer (the center closed while a body was still being sent, having
      // answered early) belongs to the answer, not the request.
      req.on('error', (err) => { if (!answered) reject(err); });
      if (opts.body === undefined || typeof opts.body === 'string') {
        req.end(opts.body);
      } else {
        const body = opts.body;
        body.on('error', (err) => req.destroy(err));
        body.pipe(req);
      }
    });
  }

  close() {
    this.#http.destroy();
    this.#https.destroy();
  }
}
