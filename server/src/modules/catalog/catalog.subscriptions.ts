import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { RequestContext } from '../../kernel/context.ts';
import { AppError } from '../../kernel/errors.ts';
import { paging, type Page } from '../../kernel/pagination.ts';
import { record } from '../audit/index.ts';
import { departmentsById, requireActor, requireScope, type Actor } from '../identity/index.ts';
import { notifyMany } from '../notifications/index.ts';
import * as repo from './catalog.repository.ts';

/** Subscriptions (issue 3 item 6): a department follows a published entry and hears of new versions and withdrawal. */

type Ctx = RequestContext<Actor>;
type ResourceRow = NonNullable<Awaited<ReturnType<typeof repo.findResource>>>;

const notFound = () => new AppError('NOT_FOUND', { message: 'Catalog entry not found', messageZh: '目录条目不存在' });

/** Subscribes the actor's department to a published entry. */
export async function subscribe(db: Kysely<DB>, ctx: Ctx, resourceId: string) {
  const actor = requireActor(ctx.actor);
  requireScope(actor, 'catalog.read');
  await db.transaction().execute(async (trx) => {
    const row = await repo.findResource(trx, resourceId);
    if (!row) throw notFound();
    if (row.published_version === null || row.status === 'withdrawn') {
      throw new AppError('RULE_VIOLATION', { message: 'Only published entries can be subscribed to', messageZh: '只能订阅已发布的目录条目' });
    }
    const inserted = await trx
      .insertInto('catalog.subscription')
      .values({ resource_id: resourceId, department_id: actor.departmentId, created_by: actor.name, created_at: ctx.now })
      .onConflict((oc) => oc.columns(['resource_id', 'department_id']).doNothing())
      .returning('resource_id')
      .executeTakeFirst();
    if (!inserted) throw new AppError('CONFLICT', { message: 'Your department already subscribes to this entry', messageZh: '本部门已订阅该目录条目' });
    await record(trx, ctx, { action: 'catalog.subscription.create', target: { type: 'catalog_resource', id: resourceId, label: `${row.code} ${row.name}` } });
  });
  return getSubscription(db, ctx, resourceId);
}

/** Ends the actor's department's subscription (404 if there is none). */
export async function unsubscribe(db: Kysely<DB>, ctx: Ctx, resourceId: string): Promise<void> {
  const actor = requireActor(ctx.actor);
  requireScope(actor, 'catalog.read');
  await db.transaction().execute(async (trx) => {
    const gone = await trx
      .deleteFrom('catalog.subscription')
      .where('resource_id', '=', resourceId)
      .where('department_id', '=', actor.departmentId)
      .returning('created_at')
      .executeTakeFirst();
    if (!gone) throw new AppError('NOT_FOUND', { message: 'Your department does not subscribe to this entry', messageZh: '本部门未订阅该目录条目' });
    const row = await repo.findResource(trx, resourceId);
    await record(trx, ctx, { action: 'catalog.subscription.delete', target: { type: 'catalog_resource', id: resourceId, label: row ? `${row.code} ${row.name}` : resourceId } });
  });
}

function subscriptionsQuery(db: Kysely<DB>, departmentId: string) {
  return db
    .selectFrom('catalog.subscription as s')
    .innerJoin('catalog.resource as r', 'r.id', 's.resource_id')
    .where('s.department_id', '=', departmentId);
}

async function toDtos(db: Kysely<DB>, rows: Awaited<ReturnType<ReturnType<typeof selectRows>['execute']>>) {
  const depts = await departmentsById(db, rows.map((r) => r.provider_department_id));
  return rows.map((r) => ({
    resourceId: r.resource_id,
    code: r.code,
    name: r.name,
    status: r.status,
    publishedVersion: r.published_version,
    providerDepartmentId: r.provider_department_id,
    providerDepartmentName: depts.get(r.provider_department_id)?.name ?? '',
    subscribedBy: r.created_by,
    subscribedAt: r.created_at.toISOString(),
  }));
}
export type SubscriptionDto = Awaited<ReturnType<typeof toDtos>>[number];

const selectRows = (q: ReturnType<typeof subscriptionsQuery>) =>
  q.select(['s.resource_id', 's.created_by', 's.created_at', 'r.code', 'r.name', 'r.status', 'r.published_version', 'r.provider_department_id']).orderBy('s.created_at', 'desc').orderBy('r.code');

async function getSubscription(db: Kysely<DB>, ctx: Ctx, resourceId: string): Promise<SubscriptionDto> {
  const actor = requireActor(ctx.actor);
  const rows = await selectRows(subscriptionsQuery(db, actor.departmentId).where('s.resource_id', '=', resourceId)).execute();
  if (!rows.length) throw notFound();
  return (await toDtos(db, rows))[0];
}

/** The actor's department's subscriptions, newest first. */
export async function listSubscriptions(db: Kysely<DB>, ctx: Ctx, q: { page?: number; pageSize?: number }): Promise<Page<SubscriptionDto>> {
  const actor = requireActor(ctx.actor);
  requireScope(actor, 'catalog.read');
  const { page, pageSize, offset, limit } = paging(q);
  const base = subscriptionsQuery(db, actor.departmentId);
  const [rows, count] = await Promise.all([
    selectRows(base).offset(offset).limit(limit).execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items: await toDtos(db, rows), total: Number(count.n), page, pageSize };
}

/**
 * Tells every subscribing department that an entry got a new published version or was withdrawn.
 * Runs inside the lifecycle step's transaction.
 */
export async function notifySubscribers(trx: Transaction<DB>, ctx: Ctx, row: ResourceRow, event: { kind: 'new_version'; version: number } | { kind: 'withdrawn'; reasons: string }) {
  const subscribers = await trx.selectFrom('catalog.subscription').select('department_id').where('resource_id', '=', row.id).execute();
  if (!subscribers.length) return;
  const label = `${row.code}「${row.name}」`;
  const notice =
    event.kind === 'new_version'
      ? { kind: 'catalog.resource.new_version', title: `订阅的目录条目发布了第 ${event.version} 版`, body: `${label}已发布第 ${event.version} 版。` }
      : { kind: 'catalog.resource.withdrawn', title: '订阅的目录条目已撤销', body: `${label}已撤销，理由：${event.reasons}` };
  await notifyMany(
    trx,
    subscribers.map((s) => ({ departmentId: s.department_id, ...notice, link: `/catalog/resources/${row.id}`, resourceId: row.id })),
    ctx.now,
  );
}
