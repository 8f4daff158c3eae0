import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { RequestContext } from '../../kernel/context.ts';
import { AppError } from '../../kernel/errors.ts';
import { paging, type Page } from '../../kernel/pagination.ts';
import { record } from '../audit/index.ts';
import { requireActor, type Actor } from '../identity/index.ts';

type Ctx = RequestContext<Actor>;
type Row = NonNullable<Awaited<ReturnType<typeof findNotice>>>;

export interface NoticeInput {
  /** The department the notice is addressed to; every user of it sees it. */
  departmentId: string;
  /** A stable machine name, e.g. `catalog.resource.new_version`. */
  kind: string;
  title: string;
  body: string;
  /** Where the console opens it, e.g. `/catalog/resources/{id}`. */
  link: string;
  resourceId?: string | null;
}

/**
 * Addresses a console notice to a department. Call it with the transaction of the change it
 * announces, so the notice exists exactly when the change does. `at` defaults to the database clock;
 * pass the request clock (`ctx.now`) to keep a test's manual clock.
 */
export async function notify(trx: Transaction<DB>, input: NoticeInput, at?: Date): Promise<void> {
  await notifyMany(trx, [input], at);
}

/** Several notices in one statement (e.g. one per subscribing department). */
export async function notifyMany(trx: Transaction<DB>, inputs: NoticeInput[], at: Date = new Date()): Promise<void> {
  if (!inputs.length) return;
  await trx
    .insertInto('notifications.notice')
    .values(inputs.map((n) => ({ department_id: n.departmentId, kind: n.kind, title: n.title, body: n.body, link: n.link, resource_id: n.resourceId ?? null, created_at: at })))
    .execute();
}

const findNotice = (db: Kysely<DB> | Transaction<DB>, id: string) => db.selectFrom('notifications.notice').selectAll().where('id', '=', id).executeTakeFirst();

const toDto = (r: Row) => ({
  id: r.id,
  kind: r.kind,
  title: r.title,
  body: r.body,
  link: r.link,
  resourceId: r.resource_id,
  createdAt: r.created_at.toISOString(),
  read: r.read_at !== null,
  readAt: r.read_at ? r.read_at.toISOString() : null,
  readBy: r.read_by,
});
export type NoticeDto = ReturnType<typeof toDto>;

/** The actor's own department's notices, newest first, with how many are unread. */
export async function listNotices(db: Kysely<DB>, ctx: Ctx, q: { unread?: boolean; page?: number; pageSize?: number }): Promise<Page<NoticeDto> & { unread: number }> {
  const actor = requireActor(ctx.actor);
  const { page, pageSize, offset, limit } = paging(q);
  const own = db.selectFrom('notifications.notice').where('department_id', '=', actor.departmentId);
  const query = q.unread ? own.where('read_at', 'is', null) : own;
  const [rows, count, unread] = await Promise.all([
    query.selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').offset(offset).limit(limit).execute(),
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    own.where('read_at', 'is', null).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map(toDto), total: Number(count.n), page, pageSize, unread: Number(unread.n) };
}

/** Marks one notice of the actor's department read; another department's notice does not exist for it. */
export async function markRead(db: Kysely<DB>, ctx: Ctx, id: string): Promise<NoticeDto> {
  const actor = requireActor(ctx.actor);
  return db.transaction().execute(async (trx) => {
    const row = await findNotice(trx, id);
    if (!row || row.department_id !== actor.departmentId) throw new AppError('NOT_FOUND', { message: 'Notice not found', messageZh: '通知不存在' });
    if (row.read_at !== null) {
      // Already read: nothing changes, but the request is still on the record.
      await record(trx, ctx, { action: 'notification.read', target: { type: 'notice', id, label: row.title }, summary: { after: { alreadyRead: true } } });
      return toDto(row);
    }
    const updated = await trx
      .updateTable('notifications.notice')
      .set({ read_at: ctx.now, read_by: actor.name })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await record(trx, ctx, { action: 'notification.read', target: { type: 'notice', id, label: row.title } });
    return toDto(updated);
  });
}

/** Marks every unread notice of the actor's department read. */
export async function markAllRead(db: Kysely<DB>, ctx: Ctx): Promise<{ marked: number }> {
  const actor = requireActor(ctx.actor);
  return db.transaction().execute(async (trx) => {
    const rows = await trx
      .updateTable('notifications.notice')
      .set({ read_at: ctx.now, read_by: actor.name })
      .where('department_id', '=', actor.departmentId)
      .where('read_at', 'is', null)
      .returning('id')
      .execute();
    await record(trx, ctx, { action: 'notification.read_all', target: { type: 'department', id: actor.departmentId }, summary: { after: { marked: rows.length } } });
    return { marked: rows.length };
  });
}
