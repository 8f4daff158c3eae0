import type { Kysely } from 'kysely';
import type { DB } from '../../../db/schema.ts';
import type { RequestContext } from '../../../kernel/context.ts';
import { AppError } from '../../../kernel/errors.ts';
import { departmentsById, requireActor, requireScope, type Actor } from '../../identity/index.ts';
import type { EntryContent } from '../domain/entry.ts';
import { dcatGraph, type Agent, type Classification, type PublishedEntry } from './dcat.ts';
import type { Graph } from './rdf.ts';

type Ctx = RequestContext<Actor>;

export interface DcatOptions {
  baseUrl: string;
  /** The catalog's publisher; by default the platform's operating department (see catalogPublisher). */
  publisher?: Agent;
}

/**
 * Published entries (a published version, not withdrawn — a revision in progress keeps its
 * published version public) with the content of their published version, by code.
 */
async function publishedEntries(db: Kysely<DB>, id?: string): Promise<PublishedEntry[]> {
  let q = db
    .selectFrom('catalog.resource as r')
    .innerJoin('catalog.resource_version as v', (j) => j.onRef('v.resource_id', '=', 'r.id').onRef('v.version', '=', 'r.published_version'))
    .where('r.published_version', 'is not', null)
    .where('r.status', '!=', 'withdrawn')
    .select(['r.id', 'r.code', 'r.provider_department_id', 'r.published_at', 'v.version', 'v.content', 'v.reviewed_at'])
    .orderBy('r.code');
  if (id) q = q.where('r.id', '=', id);
  const rows = await q.execute();
  if (!rows.length) return [];

  const ids = rows.map((r) => r.id);
  const firsts = await db
    .selectFrom('catalog.resource_version')
    .select((eb) => ['resource_id', eb.fn.min('reviewed_at').as('first')])
    .where('resource_id', 'in', ids)
    .where('state', 'in', ['published', 'superseded'])
    .groupBy('resource_id')
    .execute();
  const firstPublished = new Map(firsts.map((f) => [f.resource_id, f.first ? new Date(f.first as Date | string) : null]));

  const relatedCodes = [...new Set(rows.flatMap((r) => (r.content as EntryContent).relatedResourceCodes ?? []))];
  const related = relatedCodes.length
    ? await db
        .selectFrom('catalog.resource')
        .select(['id', 'code'])
        .where('code', 'in', relatedCodes)
        .where('published_version', 'is not', null)
        .where('status', '!=', 'withdrawn')
        .execute()
    : [];
  const relatedByCode = new Map(related.map((r) => [r.code, r]));
  const depts = await departmentsById(db, rows.map((r) => r.provider_department_id));

  return rows.map((r) => {
    const content = r.content as EntryContent;
    const modified = r.published_at ?? r.reviewed_at ?? new Date(0);
    const dept = depts.get(r.provider_department_id);
    return {
      id: r.id,
      code: r.code,
      version: r.version,
      content,
      issued: firstPublished.get(r.id) ?? modified,
      modified,
      provider: { id: r.provider_department_id, name: dept?.name ?? '', uscc: dept?.uscc },
      related: (content.relatedResourceCodes ?? []).flatMap((c) => (relatedByCode.has(c) ? [relatedByCode.get(c)!] : [])),
    };
  });
}

async function classifications(db: Kysely<DB>): Promise<Map<string, Classification>> {
  const rows = await db.selectFrom('catalog.classification').select(['code', 'name', 'parent_code']).execute();
  return new Map(rows.map((r) => [r.code, { code: r.code, name: r.name, parentCode: r.parent_code }]));
}

/**
 * The platform's operating department: the department of the (earliest) platform administrator
 * (role platform_admin with platform scope) — in the demo organisation 江西省信息中心（江西省大数据中心）;
 * failing that, a department of the top-level division. A configured publisher overrides it.
 */
async function catalogPublisher(db: Kysely<DB>): Promise<Agent> {
  const operator = await db
    .selectFrom('identity.user_role as ur')
    .innerJoin('identity.user as u', 'u.id', 'ur.user_id')
    .innerJoin('identity.department as d', 'd.id', 'u.department_id')
    .select(['d.id', 'd.name', 'd.uscc'])
    .where('ur.role', '=', 'platform_admin')
    .where('ur.scope', '=', 'platform')
    .where('d.enabled', '=', true)
    .orderBy('u.created_at')
    .orderBy('u.username')
    .limit(1)
    .executeTakeFirst();
  const row =
    operator ??
    (await db
      .selectFrom('identity.department as d')
      .innerJoin('identity.division as v', 'v.code', 'd.division_code')
      .select(['d.id', 'd.name', 'd.uscc'])
      .where('v.parent_code', 'is', null)
      .where('d.enabled', '=', true)
      .orderBy('d.created_at')
      .orderBy('d.name')
      .limit(1)
      .executeTakeFirst());
  return row ? { id: row.id, name: row.name, uscc: row.uscc } : { name: '政务信息资源共享平台' };
}

/** The whole catalog of published entries. */
export async function catalogGraph(db: Kysely<DB>, ctx: Ctx, opts: DcatOptions): Promise<Graph> {
  requireScope(requireActor(ctx.actor), 'catalog.read');
  const [entries, classes, publisher] = await Promise.all([publishedEntries(db), classifications(db), opts.publisher ?? catalogPublisher(db)]);
  return dcatGraph({ baseUrl: opts.baseUrl, entries, classifications: classes, catalog: { publisher } });
}

/** One published entry; 404 when it does not exist or is not published (drafts stay private). */
export async function resourceGraph(db: Kysely<DB>, ctx: Ctx, id: string, opts: DcatOptions): Promise<Graph> {
  requireScope(requireActor(ctx.actor), 'catalog.read');
  const [entries, classes] = await Promise.all([publishedEntries(db, id), classifications(db)]);
  if (!entries.length) throw new AppError('NOT_FOUND', { message: 'No published catalog entry with this id', messageZh: '没有该已发布的目录条目' });
  return dcatGraph({ baseUrl: opts.baseUrl, entries, classifications: classes });
}
