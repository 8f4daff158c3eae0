/**
 * What a use case needs to know about the request that runs it. The actor is the identity
 * module's Actor; the kernel only needs the fields every module may rely on.
 */
export interface ContextActor {
  kind: 'user' | 'client';
  id: string;
  name: string;
  departmentId: string;
}

export interface RequestContext<A extends ContextActor = ContextActor> {
  actor: A | null;
  ip: string | null;
  requestId: string | null;
  now: Date;
  /** Set once an audit entry for this request was written, so the HTTP layer does not add another. */
  audited?: boolean;
  /** Set when a failed attempt was already audited by the use case itself (a failed login). */
  failureAudited?: boolean;
  /** The problem code the request ended with, for the failure entry. */
  errorCode?: string;
}

export function systemContext(now = new Date()): RequestContext {
  return { actor: null, ip: null, requestId: null, now };
}
