import { sql, type Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { RequestContext } from '../../kernel/context.ts';
import { AppError } from '../../kernel/errors.ts';
import { requireActor, requireScope, type Actor } from '../identity/index.ts';

/**
 * The catalog tree and the aggregated catalog per level (issue #3 item 4, R-CAT-4).
 *
 * Both count the **published catalog** only: entries with a published version that are not
 * withdrawn. Published entries are visible to every government user (catalog.read), so the counts
 * are the same for everyone; drafts, submissions and withdrawn entries are never counted, not even
 * for their own department or the authority (they are not part of the catalog yet, or any more).
 * An entry under revision counts with its published version.
 */

type Ctx = RequestContext<Actor>;

export interface TreeNode {
  /** Unique in the tree: `c:<code>` classification, `v:<code>` division, `d:<id>` department. */
  key: string;
  kind: 'classification' | 'division' | 'department';
  /** Classification code, division code, or the department's unified social credit code. */
  code: string;
  name: string;
  /** The department id (filter `providerDepartmentId`); null for the other kinds. */
  id: string | null;
  count: number;
  children: TreeNode[];
}

/** Published and not withdrawn, as the search shows them to everyone. */
const published = sql<boolean>`r.published_version IS NOT NULL AND r.status <> 'withdrawn'`;

/** Every classification node (类-项-目-细目) with the published entries filed under it or below. */
export async function classificationTree(db: Kysely<DB>, ctx: Ctx): Promise<TreeNode[]> {
  requireScope(requireActor(ctx.actor), 'catalog.read');
  const rows = await sql<{ code: string; name: string; parent_code: string | null; n: string }>`
    SELECT c.code, c.name, c.parent_code,
           (SELECT count(*) FROM catalog.resource r WHERE ${published} AND r.classification_code LIKE c.code || '%') AS n
      FROM catalog.classification c
     ORDER BY c.code`.execute(db);
  const nodes = new Map<string, TreeNode & { parent: string | null }>();
  for (const r of rows.rows) {
    nodes.set(r.code, { key: `c:${r.code}`, kind: 'classification', code: r.code, name: r.name, id: null, count: Number(r.n), children: [], parent: r.parent_code });
  }
  const roots: TreeNode[] = [];
  for (const n of nodes.values()) {
    const parent = n.parent ? nodes.get(n.parent) : undefined;
    (parent ? parent.children : roots).push(n);
  }
  return strip(roots);
}

/**
 * Division → department: the departments with published entries, under their divisions (province,
 * city, county); a division's count includes everything below it.
 */
export async function departmentTree(db: Kysely<DB>, ctx: Ctx): Promise<TreeNode[]> {
  requireScope(requireActor(ctx.actor), 'catalog.read');
  const depts = await sql<{ id: string; name: string; uscc: string; division_code: string; n: string }>`
    SELECT d.id, d.name, d.uscc, d.division_code, count(*) AS n
      FROM catalog.resource r
      JOIN identity.department d ON d.id = r.provider_department_id
     WHERE ${published}
     GROUP BY d.id, d.name, d.uscc, d.division_code
     ORDER BY d.name`.execute(db);
  if (!depts.rows.length) return [];
  // The divisions of those departments and all their ancestors (read off the division path).
  const divisions = await sql<{ code: string; name: string; parent_code: string | null }>`
    SELECT v.code, v.name, v.parent_code
      FROM identity.division v
     WHERE EXISTS (SELECT 1 FROM identity.division own
                    WHERE own.code IN (${sql.join([...new Set(depts.rows.map((d) => d.division_code))])})
                      AND own.path LIKE v.path || '%')
     ORDER BY v.code`.execute(db);
  const nodes = new Map<string, TreeNode & { parent: string | null }>();
  for (const v of divisions.rows) nodes.set(v.code, { key: `v:${v.code}`, kind: 'division', code: v.code, name: v.name, id: null, count: 0, children: [], parent: v.parent_code });
  const roots: TreeNode[] = [];
  for (const n of nodes.values()) {
    const parent = n.parent ? nodes.get(n.parent) : undefined;
    (parent ? parent.children : roots).push(n);
  }
  for (const d of depts.rows) {
    const count = Number(d.n);
    let at = nodes.get(d.division_code);
    at?.children.unshift({ key: `d:${d.id}`, kind: 'department', code: d.uscc, name: d.name, id: d.id, count, children: [] });
    while (at) {
      at.count += count;
      at = at.parent ? nodes.get(at.parent) : undefined;
    }
  }
  // Departments of a division first (by name), then its child divisions (by code).
  for (const n of nodes.values()) {
    n.children.sort((a, b) => (a.kind === b.kind ? (a.kind === 'department' ? a.name.localeCompare(b.name, 'zh-CN') : a.code.localeCompare(b.code)) : a.kind === 'department' ? -1 : 1));
  }
  return strip(roots);
}

/** Drops the build-time `parent` link so the response matches the schema exactly. */
function strip(nodes: (TreeNode & { parent?: string | null })[]): TreeNode[] {
  return nodes.map(({ key, kind, code, name, id, count, children }) => ({ key, kind, code, name, id, count, children: strip(children) }));
}

export interface Totals {
  resources: number;
  byShareType: { unconditional: number; conditional: number; none: number };
  byOpenType: { open: number; conditional: number; closed: number };
}

export interface AggregateView {
  division: { code: string; name: string; level: string; parentCode: string | null };
  /** Everything published at this division and below. */
  total: Totals;
  /** The departments of this division itself (every one, also those with nothing published). */
  departments: (Totals & { id: string; name: string })[];
  /** Each child division, with everything at it and below rolled up. */
  children: (Totals & { code: string; name: string; level: string })[];
  /** Published entries at this division and below, per classification root (基础 / 主题 / 部门). */
  classifications: { code: string; name: string; count: number }[];
}

interface AggRow {
  kind: 'total' | 'department' | 'division' | 'classification';
  key: string;
  name: string;
  level: string | null;
  n: string;
  su: string;
  sc: string;
  sn: string;
  oo: string;
  oc: string;
  ox: string;
}

const totalsOf = (r: AggRow): Totals => ({
  resources: Number(r.n),
  byShareType: { unconditional: Number(r.su), conditional: Number(r.sc), none: Number(r.sn) },
  byOpenType: { open: Number(r.oo), conditional: Number(r.oc), closed: Number(r.ox) },
});

/**
 * The aggregated catalog of one division (county → city → province): one SQL over the division
 * `path`, so a province's figure is the sum of its cities' and its own departments' without a
 * query per division. Share and open types are those of the published version.
 */
export async function aggregateView(db: Kysely<DB>, ctx: Ctx, divisionCode: string): Promise<AggregateView> {
  requireScope(requireActor(ctx.actor), 'catalog.read');
  const target = await db.selectFrom('identity.division').select(['code', 'name', 'level', 'parent_code', 'path']).where('code', '=', divisionCode).executeTakeFirst();
  if (!target) throw new AppError('NOT_FOUND', { message: `Division ${divisionCode} not found`, messageZh: `行政区划 ${divisionCode} 不存在` });
  const counts = sql`count(p.id) AS n,
      count(p.id) FILTER (WHERE p.st = 'unconditional') AS su,
      count(p.id) FILTER (WHERE p.st = 'conditional') AS sc,
      count(p.id) FILTER (WHERE p.st = 'none') AS sn,
      count(p.id) FILTER (WHERE p.ot = 'open') AS oo,
      count(p.id) FILTER (WHERE p.ot = 'conditional') AS oc,
      count(p.id) FILTER (WHERE p.ot = 'closed') AS ox`;
  const rows = await sql<AggRow>`
    WITH pub AS (
      SELECT r.id, r.classification_code, d.id AS dept_id, v.code AS div_code, v.path AS div_path,
             rv.content->'share'->>'type' AS st, rv.content->'open'->>'type' AS ot
        FROM catalog.resource r
        JOIN catalog.resource_version rv ON rv.resource_id = r.id AND rv.version = r.published_version
        JOIN identity.department d ON d.id = r.provider_department_id
        JOIN identity.division v ON v.code = d.division_code
       WHERE ${published} AND v.path LIKE ${target.path}::text || '%'
    )
    SELECT 'total'::text AS kind, ${target.code}::text AS key, ${target.name}::text AS name, NULL::text AS level, ${counts}
      FROM pub p
    UNION ALL
    SELECT 'department', d.id::text, d.name, NULL, ${counts}
      FROM identity.department d
      LEFT JOIN pub p ON p.dept_id = d.id
     WHERE d.division_code = ${target.code}::text
     GROUP BY d.id, d.name
    UNION ALL
    SELECT 'division', c.code, c.name, c.level, ${counts}
      FROM identity.division c
      LEFT JOIN pub p ON p.div_path LIKE c.path || '%'
     WHERE c.parent_code = ${target.code}::text
     GROUP BY c.code, c.name, c.level
    UNION ALL
    SELECT 'classification', k.code, k.name, NULL, ${counts}
      FROM catalog.classification k
      LEFT JOIN pub p ON p.classification_code LIKE k.code || '%'
     WHERE k.parent_code IS NULL
     GROUP BY k.code, k.name`.execute(db);
  const of = (kind: AggRow['kind']) => rows.rows.filter((r) => r.kind === kind);
  const total = of('total')[0];
  return {
    division: { code: target.code, name: target.name, level: target.level, parentCode: target.parent_code },
    total: totalsOf(total),
    departments: of('department')
      .map((r) => ({ id: r.key, name: r.name, ...totalsOf(r) }))
      .sort((a, b) => b.resources - a.resources || a.name.localeCompare(b.name, 'zh-CN')),
    children: of('division')
      .map((r) => ({ code: r.key, name: r.name, level: r.level ?? '', ...totalsOf(r) }))
      .sort((a, b) => a.code.localeCompare(b.code)),
    classifications: of('classification')
      .map((r) => ({ code: r.key, name: r.name, count: Number(r.n) }))
      .sort((a, b) => a.code.localeCompare(b.code)),
  };
}
