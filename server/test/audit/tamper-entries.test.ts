import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { TestApp } from '../harness.ts';
import { LATE_ENTRY_GRACE_MS } from '../../src/modules/audit/audit.sealer.ts';
import { batch, idsOfBatch, sealedLog, verify } from './tamper.ts';

// Each case tampers with its own freshly sealed database, so one case cannot mask another.
let t: TestApp;
beforeEach(async () => {
  t = await sealedLog();
});
afterEach(async () => t?.close());

const HASHED = 'occurred_at, actor_kind, actor_id, actor_name, department_id, action, target_type, target_id, target_label, summary, ip, request_id, outcome, error_code';

describe('tampering with sealed entries', () => {
  it('names an entry whose action was changed (altered)', async () => {
    const [, victim] = await idsOfBatch(t, 2);
    await sql`UPDATE audit.entry SET action = 'identity.department.read' WHERE id = ${victim}`.execute(t.database.db);
    const report = await verify(t);
    expect(report.ok).toBe(false);
    expect(report.problems[0]).toMatchObject({ kind: 'entry_altered', batchNo: 2, entryId: victim });
    expect(report.problems).toHaveLength(1);
  });

  it('names an entry whose target label was changed (altered)', async () => {
    const [victim] = await idsOfBatch(t, 3);
    await sql`UPDATE audit.entry SET target_label = '伪造的名称' WHERE id = ${victim}`.execute(t.database.db);
    const report = await verify(t);
    expect(report.ok).toBe(false);
    expect(report.problems[0]).toMatchObject({ kind: 'entry_altered', batchNo: 3, entryId: victim });
    expect(report.problems[0].message).toContain(String(victim));
  });

  it('names an entry whose summary or time was changed (altered)', async () => {
    const [a, b] = await idsOfBatch(t, 3);
    await sql`UPDATE audit.entry SET summary = '{"after":{"name":"x"}}'::jsonb WHERE id = ${a}`.execute(t.database.db);
    await sql`UPDATE audit.entry SET occurred_at = occurred_at + interval '1 second' WHERE id = ${b}`.execute(t.database.db);
    const report = await verify(t);
    expect(report.ok).toBe(false);
    expect(report.problems.map((p) => [p.kind, p.entryId])).toEqual([
      ['entry_altered', a],
      ['entry_altered', b],
    ]);
  });

  it('names a deleted entry', async () => {
    const [, victim] = await idsOfBatch(t, 2);
    await sql`DELETE FROM audit.entry WHERE id = ${victim}`.execute(t.database.db);
    const report = await verify(t);
    expect(report.ok).toBe(false);
    expect(report.problems[0]).toMatchObject({ kind: 'entry_deleted', batchNo: 2, entryId: victim });
    expect(report.problems).toHaveLength(1);
  });

  it('names an entry inserted into an existing batch', async () => {
    const { rows } = await t.database.executeSql(
      `INSERT INTO audit.entry (occurred_at, actor_kind, actor_name, action, target_type, target_id, outcome, batch_no)
       SELECT occurred_at, 'user', '平台管理员', 'identity.department.create', 'department', 'forged', 'success', 2
       FROM audit.entry WHERE batch_no = 2 ORDER BY id LIMIT 1
       RETURNING id`,
    );
    const forged = Number(rows[0].id);
    const report = await verify(t);
    expect(report.ok).toBe(false);
    expect(report.problems[0]).toMatchObject({ kind: 'entry_inserted', batchNo: 2, entryId: forged });
    expect(report.problems).toHaveLength(1);
  });

  it('names an entry inserted into a batch that does not exist', async () => {
    const { rows } = await t.database.executeSql(
      `INSERT INTO audit.entry (occurred_at, actor_kind, action, outcome, batch_no) VALUES (now(), 'system', 'platform.seed', 'success', 99) RETURNING id`,
    );
    const report = await verify(t);
    expect(report.ok).toBe(false);
    expect(report.problems[0]).toMatchObject({ kind: 'entry_inserted', entryId: Number(rows[0].id) });
  });

  it('names an unsealed entry dated before the last seal by more than the grace period (inserted), and never seals it', async () => {
    const last = await batch(t, 4);
    const backdated = new Date(last.sealed_at.getTime() - LATE_ENTRY_GRACE_MS - 60_000);
    const recent = new Date(last.sealed_at.getTime() - LATE_ENTRY_GRACE_MS + 60_000);
    const insert = (at: Date) =>
      t.database.executeSql(
        `INSERT INTO audit.entry (occurred_at, actor_kind, actor_name, action, outcome) VALUES ($1, 'user', '平台管理员', 'identity.user.update', 'success') RETURNING id`,
        [at.toISOString()],
      );
    const forged = Number((await insert(backdated)).rows[0].id);
    // A late commit within the grace period is normal and not a problem.
    const late = Number((await insert(recent)).rows[0].id);

    let report = await verify(t);
    expect(report.ok).toBe(false);
    expect(report.unsealed).toBe(2);
    expect(report.problems).toEqual([expect.objectContaining({ kind: 'entry_inserted', batchNo: null, entryId: forged })]);

    // The sealer takes the late entry but leaves the inserted one out of the chain.
    t.clock.advance(1000);
    expect(await t.app.sealNow()).toBe(1);
    expect((await batch(t, 5)).entry_ids.map(Number)).toEqual([late]);
    report = await verify(t);
    expect(report.problems).toEqual([expect.objectContaining({ kind: 'entry_inserted', entryId: forged })]);
  });

  it('names entries whose contents were swapped (reordered)', async () => {
    const [a, , c] = await idsOfBatch(t, 2);
    // Swap every hashed field of two entries of one batch: each row now holds the other's contents.
    await t.database.executeSql(
      `UPDATE audit.entry e SET (${HASHED}) = (SELECT ${HASHED} FROM audit.entry o WHERE o.id = CASE WHEN e.id = ${a} THEN ${c} ELSE ${a} END)
       WHERE e.id IN (${a}, ${c})`,
    );
    const rows = await t.database.db.selectFrom('audit.entry').select(['id', 'action', 'target_id']).where('id', 'in', [a, c]).orderBy('id').execute();
    expect(rows[0].target_id).not.toBe(rows[1].target_id); // the swap really happened

    const report = await verify(t);
    expect(report.ok).toBe(false);
    expect(report.problems[0]).toMatchObject({ kind: 'entry_reordered', batchNo: 2, entryId: a });
    expect(report.problems.map((p) => [p.kind, p.entryId])).toEqual([
      ['entry_reordered', a],
      ['entry_reordered', c],
    ]);
  });

  it('names entries moved to other ids by swapping only action, target and time (reordered)', async () => {
    const [a, b] = await idsOfBatch(t, 2);
    // Both are department creations by the same admin in the same second: swapping the differing
    // fields is enough to exchange their contents.
    const cols = 'occurred_at, action, target_type, target_id, target_label, summary, request_id, department_id';
    await t.database.executeSql(
      `UPDATE audit.entry e SET (${cols}) = (SELECT ${cols} FROM audit.entry o WHERE o.id = CASE WHEN e.id = ${a} THEN ${b} ELSE ${a} END)
       WHERE e.id IN (${a}, ${b})`,
    );
    const report = await verify(t);
    expect(report.ok).toBe(false);
    expect(report.problems[0]).toMatchObject({ kind: 'entry_reordered', batchNo: 2, entryId: a });
    expect(report.problems[1]).toMatchObject({ kind: 'entry_reordered', batchNo: 2, entryId: b });
  });
});
