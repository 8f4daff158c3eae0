import Fastify, { type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import { randomUUID } from 'node:crypto';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { readFileSync } from 'node:fs';
import type { Clock } from '../kernel/clock.ts';
import { AppError } from '../kernel/errors.ts';
import { normalizeError, sendProblem } from './problem.ts';
import './route-config.ts';

export interface HttpOptions {
  logLevel: string;
  clock: Clock;
  trustProxy?: boolean | number | string;
  /** Unknown GET paths outside /api answer with the console's index.html (client-side routes). */
  spaIndex?: string;
  /** Pino options; tests pass `false` to keep output quiet. */
  logger?: boolean;
}

/**
 * Fastify with the platform's conventions: request ids, strict JSON validation (unknown fields
 * refused, never silently dropped), raw bodies kept for signature checks, problem+json errors,
 * and an OpenAPI document built from the route schemas.
 */
export function createHttpServer(opts: HttpOptions): FastifyInstance {
  const app = Fastify({
    logger: opts.logger === false ? false : { level: opts.logLevel, redact: ['req.headers.cookie', 'req.headers["x-csrf-token"]'] },
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[A-Za-z0-9._-]{8,64}$/.test(given) ? given : randomUUID();
    },
    requestIdHeader: false,
    bodyLimit: 2 * 1024 * 1024,
    // A hop count trusts that many proxies nearest to us (proxy-addr's function form).
    trustProxy: typeof opts.trustProxy === 'number' ? ((_addr: string, hop: number) => hop < (opts.trustProxy as number)) : (opts.trustProxy ?? false),
    ajv: { customOptions: { removeAdditional: false, allErrors: true, coerceTypes: 'array', useDefaults: true } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.decorateRequest('actor', null);
  app.decorateRequest('csrfToken', null);
  app.decorateRequest('rawBody', null);
  app.decorateRequest('ctx', null as never);

  // Keep the exact bytes: signed requests are verified over them, not over re-serialised JSON.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req, body, done) => {
    req.rawBody = body as Buffer;
    if ((body as Buffer).length === 0) return done(null, undefined);
    try {
      done(null, JSON.parse((body as Buffer).toString('utf8')));
    } catch {
      done(new AppError('MALFORMED_REQUEST', { message: 'The body is not valid JSON', messageZh: '请求体不是合法的 JSON' }), undefined);
    }
  });

  // Exchange batches and files are streamed to disk by their routes, never held in memory (and so
  // not subject to bodyLimit); routes that expect JSON refuse a stream by their schema.
  app.addContentTypeParser('application/octet-stream', (_req, payload, done) => done(null, payload));

  app.addHook('onRequest', async (req, reply) => {
    reply.header('x-request-id', req.id);
    req.ctx = { actor: null, ip: req.ip ?? null, requestId: String(req.id), now: opts.clock.now() };
  });

  app.setErrorHandler((err, req, reply) => {
    const appErr = normalizeError(err);
    if (req.ctx) req.ctx.errorCode = appErr.code;
    if (appErr.status >= 500) req.log.error({ err: (appErr.cause as Error) ?? err }, 'request failed');
    else req.log.info({ code: appErr.code }, 'request refused');
    return sendProblem(reply, req, appErr);
  });
  const spaHtml = opts.spaIndex ? readFileSync(opts.spaIndex, 'utf8') : null;
  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0];
    if (spaHtml && req.method === 'GET' && !path.startsWith('/api/') && !/\.[a-z0-9]+$/i.test(path)) {
      return reply.type('text/html; charset=utf-8').send(spaHtml);
    }
    return sendProblem(reply, req, new AppError('NOT_FOUND', { message: `No route ${req.method} ${path}`, messageZh: '接口不存在' }));
  });

  app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: '政通 Zhengtong API',
        version: '0.1.0',
        description:
          'Unified e-government platform. Errors are RFC 9457 problem+json with a stable `code`. Users authenticate with a session cookie and send `X-CSRF-Token` on state-changing requests; department systems sign requests with SM2 (docs/api-signing.md). Each operation lists the permission it needs under `x-permission`.',
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'zt_session' },
          sm2Signature: { type: 'apiKey', in: 'header', name: 'X-ZT-Signature', description: 'SM2 request signature, see docs/api-signing.md' },
        },
      },
    },
  });

  // Every API route must say who may call it; the permission also goes into the OpenAPI document.
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/') || route.url.startsWith('/api/docs')) return;
    const access = route.config?.access;
    if (!access) throw new Error(`route ${route.method} ${route.url} declares no access (config.access)`);
    const schema = (route.schema ??= {}) as Record<string, unknown>;
    schema['x-permission'] = access;
    const note = access === 'public' ? '公开 / public' : access === 'authenticated' ? '登录用户 / any authenticated actor' : `权限 / permission: \`${access}\``;
    schema.description = `${schema.description ? `${schema.description}\n\n` : ''}${note}`;
    if (access !== 'public') schema.security = [{ session: [] }, { sm2Signature: [] }];
  });

  return app;
}
