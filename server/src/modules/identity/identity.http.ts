import cookie from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { AppError } from '../../kernel/errors.ts';
import { HEADER_CLIENT_ID, HEADER_CONTENT_SM3, SM3_HEX_PATTERN } from '../../kernel/crypto/index.ts';
import { record } from '../audit/index.ts';
import { scopeFor, type Actor } from './domain/actor.ts';
import type { RouteAccess } from '../../http/route-config.ts';
import { resolveSession } from './auth.service.ts';
import { authenticateSignedRequest } from './clients.service.ts';
import type { IdentityDeps } from './identity.deps.ts';

export const SESSION_COOKIE = 'zt_session';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function setSessionCookie(reply: FastifyReply, deps: IdentityDeps, token: string, expiresAt: Date) {
  reply.setCookie(SESSION_COOKIE, token, {
    path: '/',
    httpOnly: true,
    sameSite: 'strict',
    secure: deps.config.session.secureCookie,
    expires: expiresAt,
  });
}

export function clearSessionCookie(reply: FastifyReply) {
  reply.clearCookie(SESSION_COOKIE, { path: '/' });
}

/**
 * Authentication and the route's permission, before body validation so that an anonymous caller
 * learns nothing about the schema. Users come with the session cookie (and, for writes, the CSRF
 * token); department systems with an SM2 signature. Failed writes are audited after the response.
 */
export const identityHttp = fp(async (app: FastifyInstance, opts: { deps: IdentityDeps; auditDb: Kysely<DB> }) => {
  const { deps } = opts;
  await app.register(cookie);

  const isSigned = (req: FastifyRequest) => req.headers[HEADER_CLIENT_ID.toLowerCase()] !== undefined;

  const authorize = (req: FastifyRequest, actor: Actor) => {
    const access = req.routeOptions.config?.access as Exclude<RouteAccess, 'public'>;
    req.actor = actor;
    req.ctx.actor = actor;
    if (actor.mustChangePassword && !req.routeOptions.config.allowPendingPasswordChange) {
      throw new AppError('AUTH_PASSWORD_CHANGE_REQUIRED');
    }
    if (access !== 'authenticated' && !scopeFor(actor, access)) {
      throw new AppError('FORBIDDEN', { extra: { permission: access } });
    }
  };

  // Sessions are checked first thing, before the body is even read: an anonymous or forged
  // request learns nothing about the route's input.
  app.addHook('onRequest', async (req) => {
    const access = req.routeOptions.config?.access;
    if (!access || access === 'public' || isSigned(req)) return;
    const token = req.cookies[SESSION_COOKIE];
    if (!token) throw new AppError('AUTH_REQUIRED');
    const session = await resolveSession(deps, token, req.ctx.now);
    if (!SAFE_METHODS.has(req.method)) {
      const sent = req.headers['x-csrf-token'];
      if (typeof sent !== 'string' || sent !== session.csrfToken) throw new AppError('AUTH_CSRF_INVALID');
    }
    req.csrfToken = session.csrfToken;
    authorize(req, session.actor);
  });

  // A signature covers the body, so signed requests are checked once it has been read.
  app.addHook('preValidation', async (req) => {
    const access = req.routeOptions.config?.access;
    if (!access || access === 'public' || !isSigned(req)) return;
    const streamed = req.routeOptions.config?.streamedBody === true;
    const claimed = req.headers[HEADER_CONTENT_SM3.toLowerCase()];
    if (streamed && (typeof claimed !== 'string' || !SM3_HEX_PATTERN.test(claimed))) {
      throw new AppError('AUTH_SIGNATURE_INVALID', { message: `A streamed body needs ${HEADER_CONTENT_SM3} (64 lower-case hex)`, messageZh: `流式请求体须提供 ${HEADER_CONTENT_SM3}` });
    }
    const actor = await authenticateSignedRequest(deps, {
      method: req.method,
      path: req.url,
      body: req.rawBody,
      bodySm3: streamed ? (claimed as string) : undefined,
      headers: req.headers as Record<string, string>,
      now: req.ctx.now,
    });
    authorize(req, actor);
  });

  // Refused and failed writes are part of the record too, and so are refused reads that are
  // audited when they succeed (exports, which declare an action). They run in their own
  // transaction, since the request's own transaction (if any) was rolled back.
  app.addHook('onResponse', async (req, reply) => {
    if (!req.url.startsWith('/api/')) return;
    const read = SAFE_METHODS.has(req.method);
    if (read && !req.routeOptions.config?.action) return;
    const ctx = req.ctx;
    if (!ctx) return;
    if (reply.statusCode < 400) {
      if (read) return;
      if (!ctx.audited && !req.routeOptions.config?.telemetry) req.log.warn({ url: req.url }, 'state-changing request finished without an audit entry');
      return;
    }
    if (ctx.failureAudited) return;
    const status = reply.statusCode;
    try {
      await opts.auditDb.transaction().execute((trx) =>
        record(trx, ctx, {
          action: req.routeOptions.config?.action ?? `http.${req.method.toLowerCase()}`,
          target: { type: 'request', id: req.url.split('?')[0].slice(0, 200) },
          outcome: status === 401 || status === 403 || status === 423 ? 'denied' : 'failure',
          errorCode: ctx.errorCode ?? `HTTP_${status}`,
        }),
      );
    } catch (err) {
      req.log.error({ err }, 'could not audit a failed request');
    }
  });
});
