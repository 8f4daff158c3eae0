// Request signatures for API clients (department systems, agents); the scheme is
// specified in docs/api-signing.md. This module only does the cryptography:
// timestamp freshness (MAX_CLOCK_SKEW_MS) and nonce replay are enforced by the
// server, which has the clock and the nonce store.
import { randomBytes } from 'node:crypto';
import { sm2Sign, sm2Verify } from './sm2.ts';
import { sm3Hex, type BytesLike } from './sm3.ts';

export const HEADER_CLIENT_ID = 'X-ZT-Client-Id';
export const HEADER_TIMESTAMP = 'X-ZT-Timestamp';
export const HEADER_NONCE = 'X-ZT-Nonce';
export const HEADER_SIGNATURE = 'X-ZT-Signature';
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;
export const NONCE_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;

const METHOD_PATTERN = /^[A-Z]{1,16}$/;
const TIMESTAMP_PATTERN = /^[0-9]{1,16}$/;
// Any control character in the path would make the newline-joined string ambiguous.
const PATH_PATTERN = /^\/[^\u0000-\u001f\u007f]*$/;
const BASE64_PATTERN = /^[A-Za-z0-9+/]{4,200}={0,2}$/;

export interface SigningParts {
  method: string;
  /** Path plus query string exactly as sent on the request line, e.g. '/api/v1/items?page=2'. */
  path: string;
  /** Unix time in milliseconds, as the decimal string that is sent in the header. */
  timestamp: string | number;
  nonce: string;
  /** Raw body bytes; a string is taken as UTF-8. Absent/empty = SM3 of the empty string. */
  body?: BytesLike | null;
  /**
   * The body's SM3 as 64 lower-case hex characters, for a body streamed rather than held in memory
   * (exchange batch uploads): it is sent in X-ZT-Content-SM3 and the receiver checks the streamed
   * bytes against it before accepting anything.
   */
  bodySm3?: string;
}

export const HEADER_CONTENT_SM3 = 'X-ZT-Content-SM3';
export const SM3_HEX_PATTERN = /^[0-9a-f]{64}$/;

/** METHOD \n PATH_WITH_QUERY \n TIMESTAMP \n NONCE \n hex(SM3(body)). Throws on malformed parts. */
export function signingString(parts: SigningParts): string {
  const method = parts.method.toUpperCase();
  const timestamp = String(parts.timestamp);
  if (!METHOD_PATTERN.test(method)) throw new Error('signingString: invalid method');
  if (!PATH_PATTERN.test(parts.path)) throw new Error('signingString: path must start with "/" and contain no control characters');
  if (!TIMESTAMP_PATTERN.test(timestamp)) throw new Error('signingString: timestamp must be decimal milliseconds');
  if (!NONCE_PATTERN.test(parts.nonce)) throw new Error('signingString: nonce must be 16-64 characters of [A-Za-z0-9_-]');
  if (parts.bodySm3 !== undefined && !SM3_HEX_PATTERN.test(parts.bodySm3)) throw new Error('signingString: bodySm3 must be 64 lower-case hex characters');
  return [method, parts.path, timestamp, parts.nonce, parts.bodySm3 ?? sm3Hex(parts.body ?? '')].join('\n');
}

// A type alias (not an interface) so that it is assignable to HeaderBag as is.
export type SignedHeaders = {
  'X-ZT-Client-Id': string;
  'X-ZT-Timestamp': string;
  'X-ZT-Nonce': string;
  'X-ZT-Signature': string;
};

export function signRequest(req: {
  clientId: string;
  privateKeyPem: string;
  method: string;
  path: string;
  body?: BytesLike | null;
  bodySm3?: string;
  timestamp?: number | string;
  nonce?: string;
}): SignedHeaders {
  const timestamp = String(req.timestamp ?? Date.now());
  const nonce = req.nonce ?? randomBytes(18).toString('base64url'); // 24 chars, 144 bits
  const message = signingString({ method: req.method, path: req.path, timestamp, nonce, body: req.body, bodySm3: req.bodySm3 });
  return {
    [HEADER_CLIENT_ID]: req.clientId,
    [HEADER_TIMESTAMP]: timestamp,
    [HEADER_NONCE]: nonce,
    [HEADER_SIGNATURE]: sm2Sign(req.privateKeyPem, message).toString('base64'),
  };
}

export type HeaderBag = Record<string, string | string[] | undefined>;

/** Case-insensitive lookup; a repeated header (array value) counts as absent. */
function header(headers: HeaderBag, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === lower) return typeof value === 'string' ? value : undefined;
  }
  return undefined;
}

/**
 * Extracts and syntax-checks the four headers, or returns null. The server uses
 * this to find the client, check freshness and record the nonce.
 */
export function readSignatureHeaders(headers: HeaderBag): {
  clientId: string;
  timestamp: number;
  timestampRaw: string;
  nonce: string;
  signature: Buffer;
} | null {
  const clientId = header(headers, HEADER_CLIENT_ID);
  const timestampRaw = header(headers, HEADER_TIMESTAMP);
  const nonce = header(headers, HEADER_NONCE);
  const sig = header(headers, HEADER_SIGNATURE);
  if (!clientId || clientId.length > 128) return null;
  if (!timestampRaw || !TIMESTAMP_PATTERN.test(timestampRaw)) return null;
  if (!nonce || !NONCE_PATTERN.test(nonce)) return null;
  if (!sig || !BASE64_PATTERN.test(sig) || sig.length % 4 !== 0) return null;
  return { clientId, timestamp: Number(timestampRaw), timestampRaw, nonce, signature: Buffer.from(sig, 'base64') };
}

/** True iff the headers carry a valid SM2 signature of this request by `publicKey` (PEM or hex). */
export function verifyRequestSignature(req: {
  publicKey: string;
  method: string;
  path: string;
  body?: BytesLike | null;
  /** For a streamed body: the SM3 it claims (X-ZT-Content-SM3); the caller must check the bytes. */
  bodySm3?: string;
  headers: HeaderBag;
}): boolean {
  const h = readSignatureHeaders(req.headers);
  if (!h) return false;
  let message: string;
  try {
    // The timestamp is signed exactly as received, never re-formatted.
    message = signingString({ method: req.method, path: req.path, timestamp: h.timestampRaw, nonce: h.nonce, body: req.body, bodySm3: req.bodySm3 });
  } catch {
    return false;
  }
  return sm2Verify(req.publicKey, message, h.signature);
}
