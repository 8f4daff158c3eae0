import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { record } from '../audit/index.ts';
import type { RequestContext } from '../../kernel/context.ts';
import { hashPassword, passwordPolicyErrors } from '../../kernel/crypto/index.ts';
import { AppError } from '../../kernel/errors.ts';
import { paging, type Page } from '../../kernel/pagination.ts';
import { isPlatformAdmin, scopeFor, type Actor } from './domain/actor.ts';
import { scopeRank, type RoleGrant } from './domain/permissions.ts';
import { changed } from './departments.service.ts';
import type { IdentityDeps } from './identity.deps.ts';
import { assertCovers, departmentTarget, requireActor, scopeCondition } from './identity.policy.ts';

type Ctx = RequestContext<Actor>;
type Db = Kysely<DB> | Transaction<DB>;

function baseQuery(db: Db) {
  return db
    .selectFrom('identity.user as u')
    .innerJoin('identity.department as d', 'd.id', 'u.department_id')
    .innerJoin('identity.division as v', 'v.code', 'd.division_code')
    .select([
      'u.id',
      'u.username',
      'u.display_name',
      'u.department_id',
      'd.name as department_name',
      'v.path as division_path',
      'u.email',
      'u.phone',
      'u.enabled',
      'u.must_change_password',
      'u.locked_until',
      'u.last_login_at',
      'u.created_at',
    ]);
}
type Row = Awaited<ReturnType<ReturnType<typeof baseQuery>['executeTakeFirstOrThrow']>>;

async function rolesOf(db: Db, userIds: string[]): Promise<Map<string, RoleGrant[]>> {
  const map = new Map<string, RoleGrant[]>();
  if (!userIds.length) return map;
  const rows = await db.selectFrom('identity.user_role').selectAll().where('user_id', 'in', userIds).orderBy('role').execute();
  for (const r of rows) map.set(r.user_id, [...(map.get(r.user_id) ?? []), { role: r.role as RoleGrant['role'], scope: r.scope }]);
  return map;
}

function toDto(r: Row, roles: RoleGrant[], now: Date) {
  const locked = r.locked_until && r.locked_until > now ? r.locked_until : null;
  return {
    id: r.id,
    username: r.username,
    displayName: r.display_name,
    departmentId: r.department_id,
    departmentName: r.department_name,
    email: r.email,
    phone: r.phone,
    enabled: r.enabled,
    mustChangePassword: r.must_change_password,
    lockedUntil: locked ? locked.toISOString() : null,
    lastLoginAt: r.last_login_at ? r.last_login_at.toISOString() : null,
    roles,
    createdAt: r.created_at.toISOString(),
  };
}
export type UserDto = ReturnType<typeof toDto>;

async function loadUser(db: Db, id: string, now: Date): Promise<UserDto & { divisionPath: string }> {
  const row = await baseQuery(db).where('u.id', '=', id).executeTakeFirst();
  if (!row) throw new AppError('NOT_FOUND', { message: 'User not found', messageZh: '用户不存在' });
  const roles = await rolesOf(db, [id]);
  return { ...toDto(row, roles.get(id) ?? [], now), divisionPath: row.division_path };
}

const strip = <T extends { divisionPath: string }>(u: T) => {
  const { divisionPath: _omit, ...rest } = u;
  return rest;
};

function assertPasswordPolicy(password: string, field: string) {
  const errors = passwordPolicyErrors(password);
  if (errors.length) {
    throw new AppError('PASSWORD_POLICY', { fields: errors.map((e) => ({ field, message: e.message, messageZh: e.messageZh })) });
  }
}

/**
 * An admin may hand out a role only within their own reach: no wider scope than their own
 * `org.user.manage` scope, and the platform-admin role only from a platform admin.
 */
function assertCanGrant(actor: Actor, roles: RoleGrant[]) {
  const own = scopeFor(actor, 'org.user.manage');
  roles.forEach((g, i) => {
    const field = `/body/roles/${i}`;
    if (g.role === 'platform_admin' && (!isPlatformAdmin(actor) || g.scope !== 'platform')) {
      throw new AppError('FORBIDDEN', {
        message: 'Only a platform administrator can grant the platform administrator role, with platform scope',
        messageZh: '只有平台管理员可以授予平台管理员角色（全平台范围）',
        fields: [{ field, message: 'not allowed', messageZh: '无权授予' }],
      });
    }
    if (!own || scopeRank[g.scope] > scopeRank[own]) {
      throw new AppError('FORBIDDEN', {
        message: `Cannot grant scope "${g.scope}" wider than your own`,
        messageZh: '不能授予超出本人管理范围的角色范围',
        fields: [{ field, message: 'scope too wide', messageZh: '范围超出本人权限' }],
      });
    }
  });
  const seen = new Set<string>();
  for (const g of roles) {
    if (seen.has(g.role)) throw new AppError('VALIDATION_FAILED', { fields: [{ field: '/body/roles', message: `role ${g.role} listed twice`, messageZh: '角色重复' }] });
    seen.add(g.role);
  }
}

export async function listUsers(
  deps: IdentityDeps,
  ctx: Ctx,
  q: { page?: number; pageSize?: number; q?: string; departmentId?: string },
): Promise<Page<UserDto>> {
  const actor = requireActor(ctx.actor);
  const inScope = scopeCondition(actor, 'org.user.read');
  if (q.departmentId) {
    const target = await departmentTarget(deps.db, q.departmentId);
    if (!target) throw new AppError('NOT_FOUND', { messageZh: '部门不存在', message: 'Department not found' });
    assertCovers(actor, 'org.user.read', target);
  }
  const { page, pageSize, offset, limit } = paging(q);
  let query = inScope(baseQuery(deps.db), 'u.department_id', 'v.path');
  if (q.departmentId) query = query.where('u.department_id', '=', q.departmentId);
  if (q.q) query = query.where((eb) => eb.or([eb('u.username', 'ilike', `%${q.q}%`), eb('u.display_name', 'ilike', `%${q.q}%`)]));
  const [rows, count] = await Promise.all([
    query.orderBy('d.name').orderBy('u.username').offset(offset).limit(limit).execute(),
    query.clearSelect().select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  const roles = await rolesOf(deps.db, rows.map((r) => r.id));
  return { items: rows.map((r) => toDto(r, roles.get(r.id) ?? [], ctx.now)), total: Number(count.n), page, pageSize };
}

export async function getUser(deps: IdentityDeps, ctx: Ctx, id: string): Promise<UserDto> {
  const actor = requireActor(ctx.actor);
  const user = await loadUser(deps.db, id, ctx.now);
  assertCovers(actor, 'org.user.read', { departmentId: user.departmentId, divisionPath: user.divisionPath });
  return strip(user);
}

export interface CreateUserInput {
  username: string;
  displayName: string;
  departmentId: string;
  email?: string;
  phone?: string;
  initialPassword: string;
  roles: RoleGrant[];
}

export async function createUser(deps: IdentityDeps, ctx: Ctx, input: CreateUserInput): Promise<UserDto> {
  const actor = requireActor(ctx.actor);
  const target = await departmentTarget(deps.db, input.departmentId);
  if (!target) {
    throw new AppError('RULE_VIOLATION', { fields: [{ field: '/body/departmentId', message: 'department does not exist', messageZh: '部门不存在' }] });
  }
  assertCovers(actor, 'org.user.manage', target);
  assertCanGrant(actor, input.roles);
  assertPasswordPolicy(input.initialPassword, '/body/initialPassword');
  const hash = await hashPassword(input.initialPassword);
  return deps.db.transaction().execute(async (trx) => {
    const dup = await trx.selectFrom('identity.user').select('id').where((eb) => eb(eb.fn('lower', ['username']), '=', input.username.toLowerCase())).executeTakeFirst();
    if (dup) throw duplicateUsername(input.username);
    const row = await trx
      .insertInto('identity.user')
      .values({
        username: input.username,
        display_name: input.displayName.trim(),
        department_id: input.departmentId,
        email: input.email ?? null,
        phone: input.phone ?? null,
        password_hash: hash,
        must_change_password: true,
        created_at: ctx.now,
        updated_at: ctx.now,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
      .catch((e) => {
        throw (e as { code?: string }).code === '23505' ? duplicateUsername(input.username) : e;
      });
    if (input.roles.length) {
      await trx.insertInto('identity.user_role').values(input.roles.map((g) => ({ user_id: row.id, role: g.role, scope: g.scope }))).execute();
    }
    const user = strip(await loadUser(trx, row.id, ctx.now));
    await record(trx, ctx, {
      action: 'identity.user.create',
      target: { type: 'user', id: user.id, label: `${user.displayName} (${user.username})` },
      departmentId: user.departmentId,
      summary: { after: { username: user.username, displayName: user.displayName, departmentId: user.departmentId, roles: user.roles } },
    });
    return user;
  });
}

const duplicateUsername = (username: string) =>
  new AppError('DUPLICATE', {
    message: `Username ${username} is taken`,
    messageZh: `用户名 ${username} 已被使用`,
    fields: [{ field: '/body/username', message: 'already taken', messageZh: '已被使用' }],
  });

/** Loads the target user inside the transaction, checks scope, runs `change`, audits the difference. */
async function changeUser(
  deps: IdentityDeps,
  ctx: Ctx,
  id: string,
  action: string,
  change: (trx: Transaction<DB>, before: UserDto) => Promise<void>,
  summaryOverride?: Record<string, unknown>,
): Promise<UserDto> {
  const actor = requireActor(ctx.actor);
  return deps.db.transaction().execute(async (trx) => {
    const found = await loadUser(trx, id, ctx.now);
    assertCovers(actor, 'org.user.manage', { departmentId: found.departmentId, divisionPath: found.divisionPath });
    // An account is managed only by someone who could have granted all its roles: otherwise a
    // county admin could reset, unlock or disable a platform admin who sits in the county.
    try {
      assertCanGrant(actor, found.roles);
    } catch {
      throw new AppError('FORBIDDEN', {
        message: 'Cannot change an account whose roles exceed your own',
        messageZh: '不能管理角色超出本人权限的账号',
      });
    }
    const before = strip(found);
    await change(trx, before);
    const after = strip(await loadUser(trx, id, ctx.now));
    await record(trx, ctx, {
      action,
      target: { type: 'user', id, label: `${after.displayName} (${after.username})` },
      departmentId: after.departmentId,
      summary: summaryOverride ?? { before: changed(before, after, 'before'), after: changed(before, after, 'after') },
    });
    return after;
  });
}

export function updateUser(
  deps: IdentityDeps,
  ctx: Ctx,
  id: string,
  input: { displayName?: string; email?: string | null; phone?: string | null; enabled?: boolean },
) {
  if (input.enabled === false && ctx.actor?.id === id) {
    throw new AppError('RULE_VIOLATION', { message: 'You cannot disable yourself', messageZh: '不能停用自己的账号', fields: [{ field: '/body/enabled', message: 'cannot disable yourself', messageZh: '不能停用自己' }] });
  }
  return changeUser(deps, ctx, id, 'identity.user.update', async (trx) => {
    await trx
      .updateTable('identity.user')
      .set({
        ...(input.displayName !== undefined ? { display_name: input.displayName.trim() } : {}),
        ...(input.email !== undefined ? { email: input.email } : {}),
        ...(input.phone !== undefined ? { phone: input.phone } : {}),
        ...(input.enabled !== undefined ? { enabled: input.enabled } : {}),
        updated_at: ctx.now,
      })
      .where('id', '=', id)
      .execute();
    // A disabled account loses its sessions at once.
    if (input.enabled === false) {
      await trx.updateTable('identity.session').set({ revoked_at: ctx.now }).where('user_id', '=', id).where('revoked_at', 'is', null).execute();
    }
  });
}

export function setUserRoles(deps: IdentityDeps, ctx: Ctx, id: string, roles: RoleGrant[]) {
  const actor = requireActor(ctx.actor);
  assertCanGrant(actor, roles);
  // changeUser also refuses when the user's current roles exceed the actor's: removing a role the
  // actor could not have granted is as much an escalation as granting it.
  return changeUser(deps, ctx, id, 'identity.user.roles', async (trx) => {
    await trx.deleteFrom('identity.user_role').where('user_id', '=', id).execute();
    if (roles.length) await trx.insertInto('identity.user_role').values(roles.map((g) => ({ user_id: id, role: g.role, scope: g.scope }))).execute();
  });
}

/** The admin sets a one-time password; the user must replace it at next login. */
export async function resetPassword(deps: IdentityDeps, ctx: Ctx, id: string, temporaryPassword: string) {
  assertPasswordPolicy(temporaryPassword, '/body/temporaryPassword');
  const hash = await hashPassword(temporaryPassword);
  await changeUser(
    deps,
    ctx,
    id,
    'identity.user.reset_password',
    async (trx) => {
      await trx
        .updateTable('identity.user')
        .set({ password_hash: hash, must_change_password: true, failed_logins: 0, locked_until: null, updated_at: ctx.now })
        .where('id', '=', id)
        .execute();
      await trx.updateTable('identity.session').set({ revoked_at: ctx.now }).where('user_id', '=', id).where('revoked_at', 'is', null).execute();
    },
    { after: { mustChangePassword: true, sessionsRevoked: true } },
  );
}

export async function unlockUser(deps: IdentityDeps, ctx: Ctx, id: string) {
  await changeUser(deps, ctx, id, 'identity.user.unlock', async (trx) => {
    await trx.updateTable('identity.user').set({ failed_logins: 0, locked_until: null, updated_at: ctx.now }).where('id', '=', id).execute();
  });
}
