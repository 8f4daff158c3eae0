// What can go wrong talking to the center, typed so the engine can decide: retry, wait, stop.

/** The center answered with a problem+json error (or some other non-success status). */
export class CenterError extends Error {
  readonly status: number;
  /** The platform's stable error code, e.g. EXCHANGE_BACKPRESSURE (HTTP_<status> if the body had none). */
  readonly code: string;
  readonly messageZh: string | null;
  /** Seconds from Retry-After, when the center sent one. */
  readonly retryAfter: number | null;
  readonly problem: Record<string, unknown>;
  constructor(status: number, problem: Record<string, unknown>, retryAfter: number | null) {
    const code = typeof problem.code === 'string' ? problem.code : `HTTP_${status}`;
    const msg = typeof problem.message === 'string' ? problem.message : typeof problem.detail === 'string' ? problem.detail : `HTTP ${status}`;
    super(`${code}: ${msg}`);
    this.name = 'CenterError';
    this.status = status;
    this.code = code;
    this.messageZh = typeof problem.messageZh === 'string' ? problem.messageZh : null;
    this.retryAfter = retryAfter;
    this.problem = problem;
  }
}

/** No answer at all: DNS, refused connection, reset, timeout. Always worth retrying. */
export class CenterUnreachableError extends Error {
  constructor(url: string, cause: unknown) {
    const reason = describeCause(cause);
    super(`center unreachable (${url}): ${reason} (无法连接交换中心)`, { cause });
    this.name = 'CenterUnreachableError';
  }
}

/** The node's credential was revoked or is unknown: nothing will work until it is enrolled again. */
export class CredentialRevokedError extends Error {
  readonly code: string;
  constructor(code: string) {
    super(
      code === 'AUTH_CLIENT_REVOKED'
        ? 'node credential revoked — re-enrol with a new token (节点凭证已被吊销，请使用新的注册令牌重新注册)'
        : 'node credential unknown to the center — check center.url or re-enrol with a new token (交换中心不认识本节点凭证)',
    );
    this.name = 'CredentialRevokedError';
    this.code = code;
  }
}

/** Worth trying again later with no one changing anything. */
export function isTransient(err: unknown): boolean {
  if (err instanceof CenterUnreachableError) return true;
  if (err instanceof CenterError) {
    if (err.status >= 500 || err.status === 429 || err.status === 408) return true;
    // A fresh nonce fixes a replay; a clock put right by NTP fixes a stale timestamp.
    return err.code === 'AUTH_NONCE_REPLAYED' || err.code === 'AUTH_SIGNATURE_STALE';
  }
  return false;
}

function describeCause(cause: unknown): string {
  let c: unknown = cause;
  const parts: string[] = [];
  for (let i = 0; c && i < 4; i++) {
    const e = c as { code?: string; message?: string; cause?: unknown; name?: string };
    if (e.name === 'TimeoutError') parts.push('timed out');
    else if (e.code) parts.push(e.code);
    else if (e.message && e.message !== 'fetch failed') parts.push(e.message);
    c = e.cause;
  }
  return parts.length ? [...new Set(parts)].join(': ') : String((cause as Error)?.message ?? cause);
}
