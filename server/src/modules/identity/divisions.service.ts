import { record } from '../audit/index.ts';
import type { RequestContext } from '../../kernel/context.ts';
import { AppError } from '../../kernel/errors.ts';
import { parseDivisionCode } from '../../kernel/ids/index.ts';
import type { Actor } from './domain/actor.ts';
import type { IdentityDeps } from './identity.deps.ts';
import { requireActor, requireScope } from './identity.policy.ts';
import type { DivisionNodeT } from './identity.schemas.ts';

type Ctx = RequestContext<Actor>;

const toDto = (r: { code: string; name: string; level: string; parent_code: string | null }) => ({
  code: r.code,
  name: r.name,
  level: r.level,
  parentCode: r.parent_code,
});

export async function divisionTree(deps: IdentityDeps, ctx: Ctx): Promise<DivisionNodeT[]> {
  requireScope(requireActor(ctx.actor), 'org.division.read');
  const rows = await deps.db.selectFrom('identity.division').selectAll().orderBy('code').execute();
  const nodes = new Map<string, DivisionNodeT>(rows.map((r) => [r.code, { ...toDto(r), children: [] }]));
  const roots: DivisionNodeT[] = [];
  for (const n of nodes.values()) {
    const parent = n.parentCode ? nodes.get(n.parentCode) : undefined;
    if (parent) parent.children.push(n);
    else roots.push(n);
  }
  return roots;
}

export async function getDivision(deps: IdentityDeps, ctx: Ctx, code: string) {
  requireScope(requireActor(ctx.actor), 'org.division.read');
  const row = await deps.db.selectFrom('identity.division').selectAll().where('code', '=', code).executeTakeFirst();
  if (!row) throw new AppError('NOT_FOUND', { message: `Division ${code} does not exist`, messageZh: `行政区划 ${code} 不存在` });
  return toDto(row);
}

/** Adds a division. Its level and parent follow from the GB/T 2260 code; the parent must exist. */
export async function createDivision(deps: IdentityDeps, ctx: Ctx, input: { code: string; name: string; parentCode?: string }) {
  const actor = requireActor(ctx.actor);
  if (requireScope(actor, 'org.division.manage') !== 'platform') throw new AppError('FORBIDDEN');
  const parsed = parseDivisionCode(input.code);
  if (!parsed.valid || !parsed.level) {
    throw new AppError('DIVISION_INVALID', {
      fields: parsed.errors.map((e) => ({ field: '/body/code', message: e.message, messageZh: e.messageZh })),
    });
  }
  const parentCode = input.parentCode ?? parsed.parentCode ?? null;
  if (input.parentCode && parsed.parentCode && input.parentCode !== parsed.parentCode) {
    // Codes below a county skip levels in places (e.g. a city without districts), so only refuse a
    // parent the code itself contradicts: its prefix must match.
    const prefix = input.parentCode.replace(/(00)+$/, '');
    if (!input.code.startsWith(prefix)) {
      throw new AppError('DIVISION_INVALID', {
        fields: [{ field: '/body/parentCode', message: `does not contain ${input.code}`, messageZh: `上级区划 ${input.parentCode} 不包含 ${input.code}` }],
      });
    }
  }
  return deps.db.transaction().execute(async (trx) => {
    let path = `/${input.code}/`;
    if (parentCode) {
      const parent = await trx.selectFrom('identity.division').select(['path']).where('code', '=', parentCode).executeTakeFirst();
      if (!parent) {
        throw new AppError('DIVISION_NOT_FOUND', {
          fields: [{ field: '/body/parentCode', message: `division ${parentCode} does not exist`, messageZh: `上级行政区划 ${parentCode} 不存在` }],
        });
      }
      path = `${parent.path}${input.code}/`;
    }
    const exists = await trx.selectFrom('identity.division').select('code').where('code', '=', input.code).executeTakeFirst();
    if (exists) {
      throw new AppError('DUPLICATE', { fields: [{ field: '/body/code', message: 'already exists', messageZh: '该区划代码已存在' }] });
    }
    const row = await trx
      .insertInto('identity.division')
      .values({ code: input.code, name: input.name, level: parsed.level!, parent_code: parentCode, path })
      .returningAll()
      .executeTakeFirstOrThrow();
    await record(trx, ctx, {
      action: 'identity.division.create',
      target: { type: 'division', id: row.code, label: row.name },
      summary: { after: toDto(row) },
    });
    return toDto(row);
  });
}

export async function renameDivision(deps: IdentityDeps, ctx: Ctx, code: string, input: { name: string }) {
  const actor = requireActor(ctx.actor);
  if (requireScope(actor, 'org.division.manage') !== 'platform') throw new AppError('FORBIDDEN');
  return deps.db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom('identity.division').selectAll().where('code', '=', code).forUpdate().executeTakeFirst();
    if (!before) throw new AppError('NOT_FOUND', { messageZh: `行政区划 ${code} 不存在` });
    const row = await trx
      .updateTable('identity.division')
      .set({ name: input.name, updated_at: ctx.now })
      .where('code', '=', code)
      .returningAll()
      .executeTakeFirstOrThrow();
    await record(trx, ctx, {
      action: 'identity.division.update',
      target: { type: 'division', id: code, label: row.name },
      summary: { before: { name: before.name }, after: { name: row.name } },
    });
    return toDto(row);
  });
}
