import type { RequestContext } from '../kernel/context.ts';
import type { Actor, Permission } from '../modules/identity/index.ts';

/**
 * Every route declares who may call it: a permission (checked against the actor's role grants,
 * then scoped by the use case), 'authenticated' (any logged-in user or client) or 'public'.
 * The server refuses to start with an /api route that declares nothing (http/server.ts).
 */
export type RouteAccess = Permission | 'authenticated' | 'public';

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
    /** The audit action of a state-changing route; failed or refused calls are logged under it. */
    action?: string;
    /** Reachable while the user still has to replace an initial password. */
    allowPendingPasswordChange?: boolean;
    /**
     * The body is streamed (application/octet-stream), not buffered: a signed request's body hash
     * is taken from X-ZT-Content-SM3 and the route must check the streamed bytes against it.
     */
    streamedBody?: boolean;
    /** Telemetry (agent heartbeats): a write that changes no business state and is not audited. */
    telemetry?: boolean;
  }
  interface FastifyRequest {
    actor: Actor | null;
    csrfToken: string | null;
    rawBody: Buffer | null;
    ctx: RequestContext<Actor>;
  }
}
