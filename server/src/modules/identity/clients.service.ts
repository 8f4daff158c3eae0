import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { record } from '../audit/index.ts';
import type { RequestContext } from '../../kernel/context.ts';
import { MAX_CLOCK_SKEW_MS, parseSm2PublicKey, readSignatureHeaders, sm2KeyFingerprint, sm2PublicKeyToPem, verifyRequestSignature, type HeaderBag } from '../../kernel/crypto/index.ts';
import { AppError } from '../../kernel/errors.ts';
import { paging, type Page } from '../../kernel/pagination.ts';
import { isPlatformAdmin, scopeFor, type Actor } from './domain/actor.ts';
import { scopeRank, type RoleGrant } from './domain/permissions.ts';
import type { IdentityDeps } from './identity.deps.ts';
import { assertCovers, departmentTarget, requireActor, scopeCondition } from './identity.policy.ts';

type Ctx = RequestContext<Actor>;
type Db = Kysely<DB> | Transaction<DB>;

function baseQuery(db: Db) {
  return db
    .selectFrom('identity.client as c')
    .innerJoin('identity.department as d', 'd.id', 'c.department_id')
    .innerJoin('identity.division as v', 'v.code', 'd.division_code')
    .select(['c.id', 'c.client_id', 'c.name', 'c.kind', 'c.department_id', 'd.name as department_name', 'v.path as division_path', 'v.code as division_code', 'c.public_key', 'c.key_fingerprint', 'c.revoked_at', 'c.last_used_at', 'c.created_at']);
}
type Row = Awaited<ReturnType<ReturnType<typeof baseQuery>['executeTakeFirstOrThrow']>>;

async function rolesOf(db: Db, ids: string[]) {
  const map = new Map<string, RoleGrant[]>();
  if (!ids.length) return map;
  const rows = await db.selectFrom('identity.client_role').selectAll().where('client_id', 'in', ids).execute();
  for (const r of rows) map.set(r.client_id, [...(map.get(r.client_id) ?? []), { role: r.role as RoleGrant['role'], scope: r.scope }]);
  return map;
}

const toDto = (r: Row, roles: RoleGrant[]) => ({
  id: r.id,
  clientId: r.client_id,
  name: r.name,
  kind: r.kind,
  departmentId: r.department_id,
  departmentName: r.department_name,
  keyFingerprint: r.key_fingerprint,
  revokedAt: r.revoked_at ? r.revoked_at.toISOString() : null,
  lastUsedAt: r.last_used_at ? r.last_used_at.toISOString() : null,
  roles,
  createdAt: r.created_at.toISOString(),
});
export type ClientDto = ReturnType<typeof toDto>;

export async function listClients(deps: IdentityDeps, ctx: Ctx, q: { page?: number; pageSize?: number; departmentId?: string }): Promise<Page<ClientDto>> {
  const actor = requireActor(ctx.actor);
  const inScope = scopeCondition(actor, 'org.client.read');
  const { page, pageSize, offset, limit } = paging(q);
  let query = inScope(baseQuery(deps.db), 'c.department_id', 'v.path');
  if (q.departmentId) query = query.where('c.department_id', '=', q.departmentId);
  const [rows, count] = await Promise.all([
    query.orderBy('c.client_id').offset(offset).limit(limit).execute(),
    query.clearSelect().select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  const roles = await rolesOf(deps.db, rows.map((r) => r.id));
  return { items: rows.map((r) => toDto(r, roles.get(r.id) ?? [])), total: Number(count.n), page, pageSize };
}

export interface CreateClientInput {
  clientId: string;
  name: string;
  kind: 'system' | 'agent';
  departmentId: string;
  publicKey: string;
  roles: RoleGrant[];
}

/** Registers a department system or agent with its SM2 public key. The private key never reaches us. */
export async function createClient(deps: IdentityDeps, ctx: Ctx, input: CreateClientInput): Promise<ClientDto> {
  const actor = requireActor(ctx.actor);
  const target = await departmentTarget(deps.db, input.departmentId);
  if (!target) throw new AppError('RULE_VIOLATION', { fields: [{ field: '/body/departmentId', message: 'department does not exist', messageZh: '部门不存在' }] });
  assertCovers(actor, 'org.client.manage', target);
  const own = scopeFor(actor, 'org.client.manage');
  input.roles.forEach((g, i) => {
    if ((g.role === 'platform_admin' && !isPlatformAdmin(actor)) || !own || scopeRank[g.scope] > scopeRank[own]) {
      throw new AppError('FORBIDDEN', { fields: [{ field: `/body/roles/${i}`, message: 'scope too wide', messageZh: '范围超出本人权限' }] });
    }
  });
  let publicKeyPem: string;
  try {
    parseSm2PublicKey(input.publicKey.trim());
    publicKeyPem = sm2PublicKeyToPem(input.publicKey.trim());
  } catch (e) {
    throw new AppError('VALIDATION_FAILED', {
      fields: [{ field: '/body/publicKey', message: `not an SM2 public key: ${(e as Error).message}`, messageZh: '不是有效的 SM2 公钥' }],
    });
  }
  return deps.db.transaction().execute(async (trx) => {
    const dup = await trx.selectFrom('identity.client').select('id').where('client_id', '=', input.clientId).executeTakeFirst();
    if (dup) throw new AppError('DUPLICATE', { fields: [{ field: '/body/clientId', message: 'already registered', messageZh: '接入应用标识已存在' }] });
    const row = await trx
      .insertInto('identity.client')
      .values({
        client_id: input.clientId,
        name: input.name,
        kind: input.kind,
        department_id: input.departmentId,
        public_key: publicKeyPem,
        key_fingerprint: sm2KeyFingerprint(publicKeyPem),
        created_at: ctx.now,
        updated_at: ctx.now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    if (input.roles.length) await trx.insertInto('identity.client_role').values(input.roles.map((g) => ({ client_id: row.id, role: g.role, scope: g.scope }))).execute();
    const dto = toDto(await baseQuery(trx).where('c.id', '=', row.id).executeTakeFirstOrThrow(), input.roles);
    await record(trx, ctx, {
      action: 'identity.client.create',
      target: { type: 'client', id: dto.id, label: dto.clientId },
      departmentId: dto.departmentId,
      summary: { after: { clientId: dto.clientId, name: dto.name, kind: dto.kind, keyFingerprint: dto.keyFingerprint, roles: dto.roles } },
    });
    return dto;
  });
}

export async function revokeClient(deps: IdentityDeps, ctx: Ctx, id: string) {
  const actor = requireActor(ctx.actor);
  await deps.db.transaction().execute(async (trx) => {
    const row = await baseQuery(trx).where('c.id', '=', id).executeTakeFirst();
    if (!row) throw new AppError('NOT_FOUND', { message: 'Client not found', messageZh: '接入应用不存在' });
    assertCovers(actor, 'org.client.manage', { departmentId: row.department_id, divisionPath: row.division_path });
    if (row.revoked_at) throw new AppError('CONFLICT', { message: 'Already revoked', messageZh: '该凭证已吊销' });
    await trx.updateTable('identity.client').set({ revoked_at: ctx.now, updated_at: ctx.now }).where('id', '=', id).execute();
    await record(trx, ctx, { action: 'identity.client.revoke', target: { type: 'client', id, label: row.client_id }, departmentId: row.department_id });
  });
}

/** How stale a client's last_used_at may get before a signed request refreshes it. */
const TOUCH_EVERY_MS = 60_000;

/**
 * Authenticates an SM2-signed request (docs/api-signing.md). Order matters: freshness and the
 * signature are checked before the nonce is stored, so nobody can burn another client's nonces.
 */
export async function authenticateSignedRequest(
  deps: IdentityDeps,
  req: { method: string; path: string; body: Buffer | null; bodySm3?: string; headers: HeaderBag; now: Date },
): Promise<Actor> {
  const h = readSignatureHeaders(req.headers);
  if (!h) throw new AppError('AUTH_SIGNATURE_INVALID', { message: 'Missing or malformed signature headers', messageZh: '签名请求头缺失或格式错误' });
  const row = await baseQuery(deps.db).where('c.client_id', '=', h.clientId).executeTakeFirst();
  if (!row) throw new AppError('AUTH_CLIENT_UNKNOWN');
  if (row.revoked_at) throw new AppError('AUTH_CLIENT_REVOKED');
  if (Math.abs(req.now.getTime() - h.timestamp) > MAX_CLOCK_SKEW_MS) throw new AppError('AUTH_SIGNATURE_STALE');
  if (!verifyRequestSignature({ publicKey: row.public_key, method: req.method, path: req.path, body: req.body ?? Buffer.alloc(0), bodySm3: req.bodySm3, headers: req.headers })) {
    throw new AppError('AUTH_SIGNATURE_INVALID');
  }
  const fresh = await deps.db
    .insertInto('identity.client_nonce')
    .values({ client_id: row.id, nonce: h.nonce, seen_at: req.now })
    .onConflict((oc) => oc.doNothing())
    .returning('nonce')
    .executeTakeFirst();
  if (!fresh) throw new AppError('AUTH_NONCE_REPLAYED');
  // Bookkeeping at most once a minute per client, not on every call (an agent signs several a
  // second): when the client was last used, and dropping nonces that have outlived the freshness
  // window (they are kept only to refuse a replay within it).
  if (!row.last_used_at || req.now.getTime() - row.last_used_at.getTime() >= TOUCH_EVERY_MS) {
    await deps.db.transaction().execute(async (trx) => {
      await trx.updateTable('identity.client').set({ last_used_at: req.now }).where('id', '=', row.id).execute();
      await trx.deleteFrom('identity.client_nonce').where('client_id', '=', row.id).where('seen_at', '<', new Date(req.now.getTime() - 2 * MAX_CLOCK_SKEW_MS)).execute();
    });
  }
  const roles = await rolesOf(deps.db, [row.id]);
  return {
    kind: 'client',
    id: row.id,
    name: row.name,
    departmentId: row.department_id,
    departmentName: row.department_name,
    divisionCode: row.division_code,
    divisionPath: row.division_path,
    grants: roles.get(row.id) ?? [],
  };
}

/**
 * The credential of an exchange node, made when its agent enrols with a one-time token (the token,
 * not an actor, authorises this; the exchange module checks it in the same transaction). The
 * client holds only the role `exchange_agent`, scoped to its department.
 */
export async function createAgentClient(trx: Transaction<DB>, input: { clientId: string; name: string; departmentId: string; publicKey: string; now: Date }) {
  let publicKeyPem: string;
  try {
    parseSm2PublicKey(input.publicKey.trim());
    publicKeyPem = sm2PublicKeyToPem(input.publicKey.trim());
  } catch (e) {
    throw new AppError('VALIDATION_FAILED', { fields: [{ field: '/body/publicKey', message: `not an SM2 public key: ${(e as Error).message}`, messageZh: '不是有效的 SM2 公钥' }] });
  }
  const dup = await trx.selectFrom('identity.client').select('id').where('client_id', '=', input.clientId).executeTakeFirst();
  if (dup) throw new AppError('DUPLICATE', { message: 'This node already has a credential', messageZh: '该节点已有接入凭证' });
  const row = await trx
    .insertInto('identity.client')
    .values({
      client_id: input.clientId,
      name: input.name,
      kind: 'agent',
      department_id: input.departmentId,
      public_key: publicKeyPem,
      key_fingerprint: sm2KeyFingerprint(publicKeyPem),
      created_at: input.now,
      updated_at: input.now,
    })
    .returning(['id', 'key_fingerprint'])
    .executeTakeFirstOrThrow();
  await trx.insertInto('identity.client_role').values({ client_id: row.id, role: 'exchange_agent', scope: 'department' }).execute();
  return { id: row.id, clientId: input.clientId, keyFingerprint: row.key_fingerprint, publicKeyPem };
}

/** Revokes a client as part of another change (a node's revocation), in the caller's transaction. */
export async function revokeClientIn(trx: Transaction<DB>, id: string, now: Date) {
  await trx.updateTable('identity.client').set({ revoked_at: now, updated_at: now }).where('id', '=', id).where('revoked_at', 'is', null).execute();
}

/** A client's SM2 public key (PEM), e.g. a source node's, for checking its batch signatures. */
export async function clientPublicKey(db: Db, id: string): Promise<string | null> {
  const row = await db.selectFrom('identity.client').select('public_key').where('id', '=', id).executeTakeFirst();
  return row?.public_key ?? null;
}
