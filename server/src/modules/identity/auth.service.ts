import { randomBytes } from 'node:crypto';
import type { ExpressionBuilder } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { failuresFrom, record } from '../audit/index.ts';
import type { RequestContext } from '../../kernel/context.ts';
import { hashPassword, passwordPolicyErrors, sm3Hex, verifyPassword } from '../../kernel/crypto/index.ts';
import { AppError } from '../../kernel/errors.ts';
import { scopeFor, type Actor } from './domain/actor.ts';
import { PERMISSIONS, type RoleGrant, type Scope } from './domain/permissions.ts';
import type { IdentityDeps } from './identity.deps.ts';
import { requireActor } from './identity.policy.ts';

type Ctx = RequestContext<Actor>;

/** A hash to compare against when the username is unknown, so timing does not reveal which. */
let dummyHash: Promise<string> | null = null;

export const sessionIdOf = (token: string) => sm3Hex(token);

export interface LoginResult {
  token: string;
  csrfToken: string;
  expiresAt: Date;
  actor: Actor;
}

/** Loads what an actor is: department, division and role grants. */
export async function loadUserActor(deps: IdentityDeps, userId: string): Promise<Actor | null> {
  const row = await deps.db
    .selectFrom('identity.user as u')
    .innerJoin('identity.department as d', 'd.id', 'u.department_id')
    .innerJoin('identity.division as v', 'v.code', 'd.division_code')
    .select(['u.id', 'u.username', 'u.display_name', 'u.enabled', 'u.must_change_password', 'd.id as department_id', 'd.name as department_name', 'v.code as division_code', 'v.path'])
    .where('u.id', '=', userId)
    .executeTakeFirst();
  if (!row) return null;
  const grants = await deps.db.selectFrom('identity.user_role').select(['role', 'scope']).where('user_id', '=', userId).execute();
  return {
    kind: 'user',
    id: row.id,
    name: row.display_name,
    departmentId: row.department_id,
    departmentName: row.department_name,
    divisionCode: row.division_code,
    divisionPath: row.path,
    grants: grants as RoleGrant[],
    mustChangePassword: row.must_change_password,
  };
}

/**
 * Seconds until this address may try again, or null when it may now: at most
 * `loginThrottle.maxFailures` failed sign-ins per `minutes` (a sliding window over the audit log).
 */
async function throttledFor(deps: IdentityDeps, ctx: Ctx): Promise<number | null> {
  const { maxFailures, minutes } = deps.config.loginThrottle;
  if (maxFailures <= 0 || !ctx.ip) return null;
  const windowMs = minutes * 60_000;
  const failures = await failuresFrom(deps.db, {
    action: 'identity.auth.login',
    ip: ctx.ip,
    since: new Date(ctx.now.getTime() - windowMs),
    excludeCodes: ['AUTH_TOO_MANY_ATTEMPTS'],
    limit: maxFailures,
  });
  if (failures.length < maxFailures) return null;
  // The oldest of them leaving the window lets one more attempt in.
  return Math.max(1, Math.ceil((failures[0].getTime() + windowMs - ctx.now.getTime()) / 1000));
}

export async function login(deps: IdentityDeps, ctx: Ctx, input: { username: string; password: string; userAgent?: string }): Promise<LoginResult> {
  const { db, config } = deps;
  const now = ctx.now;
  const user = await db
    .selectFrom('identity.user')
    .select(['id', 'username', 'display_name', 'department_id', 'password_hash', 'enabled', 'failed_logins', 'locked_until'])
    .where((eb) => eb(eb.fn('lower', ['username']), '=', input.username.toLowerCase()))
    .executeTakeFirst();
  /** A refused attempt that changes nothing but the audit log. */
  const fail = async (code: 'AUTH_INVALID_CREDENTIALS' | 'AUTH_ACCOUNT_LOCKED' | 'AUTH_ACCOUNT_DISABLED' | 'AUTH_TOO_MANY_ATTEMPTS') => {
    await db.transaction().execute(async (trx) => {
      await record(trx, ctx, {
        action: 'identity.auth.login',
        target: { type: 'user', id: user?.id ?? null, label: input.username },
        actorName: input.username,
        departmentId: user?.department_id ?? null,
        outcome: code === 'AUTH_INVALID_CREDENTIALS' ? 'failure' : 'denied',
        errorCode: code,
      });
    });
    ctx.failureAudited = true;
  };

  // Before any password work: the account lockout stops guesses at one account, this stops one
  // address from trying a common password on many (password spraying).
  const wait = await throttledFor(deps, ctx);
  if (wait !== null) {
    await fail('AUTH_TOO_MANY_ATTEMPTS');
    throw new AppError('AUTH_TOO_MANY_ATTEMPTS', { extra: { retryAfter: wait } });
  }

  if (!user) {
    dummyHash ??= hashPassword(randomBytes(12).toString('base64'));
    await verifyPassword(input.password, await dummyHash);
    await fail('AUTH_INVALID_CREDENTIALS');
    throw new AppError('AUTH_INVALID_CREDENTIALS');
  }
  if (user.locked_until && user.locked_until > now) {
    await fail('AUTH_ACCOUNT_LOCKED');
    throw locked(user.locked_until);
  }
  // Another attempt may have locked the account since it was read above.
  const lockedMeanwhile = async (): Promise<never> => {
    const row = await db.selectFrom('identity.user').select('locked_until').where('id', '=', user.id).executeTakeFirstOrThrow();
    await fail('AUTH_ACCOUNT_LOCKED');
    throw locked(row.locked_until ?? now);
  };
  const notLocked = (eb: ExpressionBuilder<DB, 'identity.user'>) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', now)]);
  if (!(await verifyPassword(input.password, user.password_hash))) {
    // Counted in one statement, and only while the account is not locked: parallel guesses must
    // neither all start from the same count nor go on once one of them has locked the account.
    // The count, the lock and the audit entry commit together.
    const outcome = await db.transaction().execute(async (trx) => {
      const counted = await trx
        .updateTable('identity.user')
        .set((eb) => ({ failed_logins: eb('failed_logins', '+', 1) }))
        .where('id', '=', user.id)
        .where(notLocked)
        .returning('failed_logins')
        .executeTakeFirst();
      if (!counted) return { kind: 'lockedMeanwhile' as const };
      const lockNow = counted.failed_logins >= config.lockout.maxFailures;
      const until = lockNow ? new Date(now.getTime() + config.lockout.minutes * 60_000) : null;
      if (lockNow) await trx.updateTable('identity.user').set({ failed_logins: 0, locked_until: until }).where('id', '=', user.id).execute();
      const code = lockNow ? 'AUTH_ACCOUNT_LOCKED' : 'AUTH_INVALID_CREDENTIALS';
      await record(trx, ctx, {
        action: 'identity.auth.login',
        target: { type: 'user', id: user.id, label: input.username },
        actorName: input.username,
        departmentId: user.department_id,
        outcome: lockNow ? 'denied' : 'failure',
        errorCode: code,
        summary: { failedLogins: lockNow ? 0 : counted.failed_logins, lockedUntil: until },
      });
      return lockNow ? { kind: 'locked' as const, until: until! } : { kind: 'wrong' as const };
    });
    ctx.failureAudited = true;
    if (outcome.kind === 'lockedMeanwhile') return lockedMeanwhile();
    if (outcome.kind === 'locked') throw locked(outcome.until);
    // No attempt count in the answer: it would tell a known username from an unknown one.
    throw new AppError('AUTH_INVALID_CREDENTIALS');
  }
  if (!user.enabled) {
    await fail('AUTH_ACCOUNT_DISABLED');
    throw new AppError('AUTH_ACCOUNT_DISABLED');
  }

  const token = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(24).toString('base64url');
  const expiresAt = new Date(now.getTime() + config.session.absoluteHours * 3_600_000);
  const actor = await loadUserActor(deps, user.id);
  if (!actor) throw new AppError('AUTH_INVALID_CREDENTIALS');
  const opened = await db.transaction().execute(async (trx) => {
    const unlocked = await trx.updateTable('identity.user').set({ failed_logins: 0, locked_until: null, last_login_at: now }).where('id', '=', user.id).where(notLocked).executeTakeFirst();
    if (!unlocked.numUpdatedRows) return false;
    await trx
      .insertInto('identity.session')
      .values({
        id: sessionIdOf(token),
        user_id: user.id,
        csrf_token: csrfToken,
        created_at: now,
        last_seen_at: now,
        expires_at: expiresAt,
        ip: ctx.ip,
        user_agent: input.userAgent?.slice(0, 300) ?? null,
      })
      .execute();
    await record(trx, { ...ctx, actor }, {
      action: 'identity.auth.login',
      target: { type: 'user', id: user.id, label: user.username },
      summary: { sessionExpiresAt: expiresAt },
    });
    return true;
  });
  if (!opened) return lockedMeanwhile();
  ctx.audited = true;
  return { token, csrfToken, expiresAt, actor };
}

const locked = (until: Date) =>
  new AppError('AUTH_ACCOUNT_LOCKED', {
    message: `The account is locked until ${until.toISOString()}`,
    messageZh: `账号因连续登录失败已锁定，请于 ${until.toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false })} 后再试`,
    extra: { lockedUntil: until.toISOString() },
  });

export interface ResolvedSession {
  actor: Actor;
  csrfToken: string;
  sessionId: string;
}

/** Cookie token → live session. Idle and absolute timeouts end it; activity extends the idle one. */
export async function resolveSession(deps: IdentityDeps, token: string, now: Date): Promise<ResolvedSession> {
  const id = sessionIdOf(token);
  // One round trip for the session and who it belongs to, one for the roles: this runs on every request.
  const s = await deps.db
    .selectFrom('identity.session as s')
    .innerJoin('identity.user as u', 'u.id', 's.user_id')
    .innerJoin('identity.department as d', 'd.id', 'u.department_id')
    .innerJoin('identity.division as v', 'v.code', 'd.division_code')
    .select([
      's.csrf_token',
      's.last_seen_at',
      's.expires_at',
      's.revoked_at',
      'u.id as user_id',
      'u.display_name',
      'u.enabled',
      'u.must_change_password',
      'd.id as department_id',
      'd.name as department_name',
      'v.code as division_code',
      'v.path',
    ])
    .where('s.id', '=', id)
    .executeTakeFirst();
  if (!s || s.revoked_at) throw new AppError('AUTH_REQUIRED');
  const idleLimit = s.last_seen_at.getTime() + deps.config.session.idleMinutes * 60_000;
  if (s.expires_at <= now || idleLimit <= now.getTime()) throw new AppError('AUTH_SESSION_EXPIRED');
  if (!s.enabled) throw new AppError('AUTH_ACCOUNT_DISABLED');
  const grants = await deps.db.selectFrom('identity.user_role').select(['role', 'scope']).where('user_id', '=', s.user_id).execute();
  // Touch at most once a minute: a busy console should not write on every request.
  if (now.getTime() - s.last_seen_at.getTime() > 60_000) {
    await deps.db.updateTable('identity.session').set({ last_seen_at: now }).where('id', '=', id).execute();
  }
  const actor: Actor = {
    kind: 'user',
    id: s.user_id,
    name: s.display_name,
    departmentId: s.department_id,
    departmentName: s.department_name,
    divisionCode: s.division_code,
    divisionPath: s.path,
    grants: grants as RoleGrant[],
    mustChangePassword: s.must_change_password,
    sessionId: id,
  };
  return { actor, csrfToken: s.csrf_token, sessionId: id };
}

export async function logout(deps: IdentityDeps, ctx: Ctx) {
  const actor = requireActor(ctx.actor);
  if (!actor.sessionId) return;
  await deps.db.transaction().execute(async (trx) => {
    await trx.updateTable('identity.session').set({ revoked_at: ctx.now }).where('id', '=', actor.sessionId!).execute();
    await record(trx, ctx, { action: 'identity.auth.logout', target: { type: 'session', id: actor.sessionId!.slice(0, 16) } });
  });
}

export async function changeOwnPassword(deps: IdentityDeps, ctx: Ctx, input: { currentPassword: string; newPassword: string }) {
  const actor = requireActor(ctx.actor);
  if (actor.kind !== 'user') throw new AppError('FORBIDDEN');
  const user = await deps.db.selectFrom('identity.user').select(['password_hash']).where('id', '=', actor.id).executeTakeFirstOrThrow();
  if (!(await verifyPassword(input.currentPassword, user.password_hash))) {
    throw new AppError('RULE_VIOLATION', {
      message: 'The current password is wrong',
      messageZh: '当前密码不正确',
      fields: [{ field: '/body/currentPassword', message: 'wrong password', messageZh: '当前密码不正确' }],
    });
  }
  const errors: { message: string; messageZh: string }[] = passwordPolicyErrors(input.newPassword);
  if (input.newPassword === input.currentPassword) {
    errors.push({ message: 'must differ from the current password', messageZh: '新密码不能与当前密码相同' });
  }
  if (errors.length) {
    throw new AppError('PASSWORD_POLICY', { fields: errors.map((e) => ({ field: '/body/newPassword', message: e.message, messageZh: e.messageZh })) });
  }
  const hash = await hashPassword(input.newPassword);
  await deps.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('identity.user')
      .set({ password_hash: hash, must_change_password: false, password_changed_at: ctx.now, updated_at: ctx.now })
      .where('id', '=', actor.id)
      .execute();
    // Other sessions may belong to whoever knew the old password.
    let others = trx.updateTable('identity.session').set({ revoked_at: ctx.now }).where('user_id', '=', actor.id).where('revoked_at', 'is', null);
    if (actor.sessionId) others = others.where('id', '!=', actor.sessionId);
    await others.execute();
    await record(trx, ctx, { action: 'identity.auth.change_password', target: { type: 'user', id: actor.id, label: actor.name } });
  });
}

export async function listOwnSessions(deps: IdentityDeps, ctx: Ctx) {
  const actor = requireActor(ctx.actor);
  const rows = await deps.db
    .selectFrom('identity.session')
    .selectAll()
    .where('user_id', '=', actor.id)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', ctx.now)
    .where('last_seen_at', '>', new Date(ctx.now.getTime() - deps.config.session.idleMinutes * 60_000))
    .orderBy('last_seen_at', 'desc')
    .execute();
  return rows.map((s) => ({
    id: s.id,
    createdAt: s.created_at.toISOString(),
    lastSeenAt: s.last_seen_at.toISOString(),
    expiresAt: s.expires_at.toISOString(),
    ip: s.ip,
    userAgent: s.user_agent,
    current: s.id === actor.sessionId,
  }));
}

export async function revokeOwnSession(deps: IdentityDeps, ctx: Ctx, sessionId: string) {
  const actor = requireActor(ctx.actor);
  await deps.db.transaction().execute(async (trx) => {
    const s = await trx.selectFrom('identity.session').select(['id', 'user_id', 'revoked_at']).where('id', '=', sessionId).executeTakeFirst();
    // Someone else's session is reported as absent, not as forbidden: ids are not to be probed.
    if (!s || s.user_id !== actor.id || s.revoked_at) throw new AppError('NOT_FOUND', { message: 'Session not found', messageZh: '会话不存在' });
    await trx.updateTable('identity.session').set({ revoked_at: ctx.now }).where('id', '=', sessionId).execute();
    await record(trx, ctx, { action: 'identity.session.revoke', target: { type: 'session', id: sessionId.slice(0, 16) } });
  });
}

/** What the console needs to draw itself for the actor. */
export async function describeActor(deps: IdentityDeps, actor: Actor, csrfToken: string) {
  const extra = await deps.db
    .selectFrom('identity.division')
    .select('name')
    .where('code', '=', actor.divisionCode)
    .executeTakeFirst();
  let username = actor.id;
  if (actor.kind === 'user') {
    const u = await deps.db.selectFrom('identity.user').select('username').where('id', '=', actor.id).executeTakeFirst();
    username = u?.username ?? actor.id;
  } else {
    const c = await deps.db.selectFrom('identity.client').select('client_id').where('id', '=', actor.id).executeTakeFirst();
    username = c?.client_id ?? actor.id;
  }
  const permissions: Record<string, Scope> = {};
  for (const p of PERMISSIONS) {
    const s = scopeFor(actor, p);
    if (s) permissions[p] = s;
  }
  return {
    id: actor.id,
    kind: actor.kind,
    username,
    displayName: actor.name,
    departmentId: actor.departmentId,
    departmentName: actor.departmentName,
    divisionCode: actor.divisionCode,
    divisionName: extra?.name ?? '',
    mustChangePassword: actor.mustChangePassword ?? false,
    roles: actor.grants,
    permissions,
    csrfToken,
  };
}
