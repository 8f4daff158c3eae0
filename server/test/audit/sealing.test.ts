import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { chainHash, entryLeaf, GENESIS, rootOfLeaves, splitLeaves } from '../../src/modules/audit/domain.ts';
import { sealNextBatch, verifyAuditLog } from '../../src/modules/audit/index.ts';
import { sm2Verify } from '../../src/kernel/crypto/index.ts';
import { createTestApp, type Agent, type TestApp } from '../harness.ts';
import { countRows, createDepartment, newDepartmentBody } from './helpers.ts';

let t: TestApp;
let admin: Agent;

beforeAll(async () => {
  t = await createTestApp({ env: { AUDIT_BATCH_SIZE: '3' } });
  admin = await t.login('admin');
});
afterAll(async () => t?.close());

const verify = () => verifyAuditLog(t.database.db, t.key.publicKeyPem, t.key.fingerprint);

async function allEntries() {
  return t.database.db.selectFrom('audit.entry').select(['id', 'batch_no']).orderBy('id').execute();
}

describe('sealing', () => {
  it('reports an empty chain as intact', async () => {
    // Only the seed entry and the admin login exist, nothing sealed yet.
    const report = await verify();
    expect(report).toMatchObject({ ok: true, batches: 0, entries: 0, problems: [] });
    expect(report.unsealed).toBe(await countRows(t, 'audit.entry'));
  });

  it('seals pending entries into signed batches of AUDIT_BATCH_SIZE, chained in order', async () => {
    for (let i = 0; i < 5; i++) await createDepartment(admin, '360100');
    const total = await countRows(t, 'audit.entry'); // seed + login + 5 creations
    expect(total).toBe(7);

    const sealed = await t.app.sealNow();
    expect(sealed).toBe(total);
    const batches = await t.database.db.selectFrom('audit.batch').selectAll().orderBy('batch_no').execute();
    expect(batches.map((b) => b.batch_no)).toEqual([1, 2, 3]);
    expect(batches.map((b) => b.entry_count)).toEqual([3, 3, 1]);

    // Every entry is in exactly one batch, in id order, and its batch_no says which.
    const entries = await allEntries();
    expect(entries.every((e) => e.batch_no !== null)).toBe(true);
    expect(batches.flatMap((b) => b.entry_ids.map(Number))).toEqual(entries.map((e) => e.id));
    for (const b of batches) {
      for (const id of b.entry_ids.map(Number)) expect(entries.find((e) => e.id === id)!.batch_no).toBe(b.batch_no);
    }

    // Recompute the chain independently of verifyAuditLog.
    let prev: Buffer = GENESIS;
    for (const b of batches) {
      const rows = await t.database.db.selectFrom('audit.entry').selectAll().where('id', 'in', b.entry_ids.map(Number)).orderBy('id').execute();
      const leaves = rows.map(entryLeaf);
      expect(Buffer.concat(leaves).equals(Buffer.from(b.leaves))).toBe(true);
      expect(splitLeaves(b.leaves)).toHaveLength(b.entry_count);
      expect(rootOfLeaves(leaves).equals(Buffer.from(b.merkle_root))).toBe(true);
      expect(Buffer.from(b.prev_chain_hash).equals(prev)).toBe(true);
      const chain = chainHash(prev, rootOfLeaves(leaves), b.batch_no, b.entry_count);
      expect(chain.equals(Buffer.from(b.chain_hash))).toBe(true);
      expect(sm2Verify(t.key.publicKeyPem, chain, Buffer.from(b.signature))).toBe(true);
      expect(b.key_fingerprint).toBe(t.key.fingerprint);
      expect(b.sealed_at.getTime()).toBe(t.clock.now().getTime());
      prev = chain;
    }

    const report = await verify();
    expect(report).toEqual({ ok: true, batches: 3, entries: total, unsealed: 0, head: { batchNo: 3, chainHash: expect.stringMatching(/^[0-9a-f]{64}$/) }, problems: [] });
    expect(await t.app.sealNow()).toBe(0); // nothing left
  });

  it('reports the status through the API', async () => {
    const auditor = await t.login('auditor'); // one more (unsealed) entry: the login
    const res = await auditor.get('/api/audit/status');
    expect(res.status).toBe(200);
    const total = await countRows(t, 'audit.entry');
    expect(res.body).toEqual({
      entries: total,
      sealed: total - 1,
      unsealed: 1,
      batches: 3,
      lastBatchNo: 3,
      lastSealedAt: t.clock.now().toISOString(),
    });
  });

  it('does not block writers: writes running alongside a seal all succeed, a later seal takes the rest', async () => {
    const sealedBefore = await t.database.db.selectFrom('audit.entry').select('id').where('batch_no', 'is not', null).execute();
    const writes = Array.from({ length: 12 }, () => admin.post('/api/departments', newDepartmentBody('360100')));
    const seals = [t.app.sealNow(), t.app.sealNow()];
    const results = await Promise.all(writes);
    await Promise.all(seals);
    for (const r of results) expect(r.status, r.text).toBe(201);

    // Each write's entry exists exactly once, and after one more seal everything is sealed.
    for (const r of results) {
      const rows = await t.database.db.selectFrom('audit.entry').select('id').where('action', '=', 'identity.department.create').where('target_id', '=', r.body.id).execute();
      expect(rows).toHaveLength(1);
    }
    await t.app.sealNow();
    const entries = await allEntries();
    expect(entries.filter((e) => e.batch_no === null)).toEqual([]);
    expect(entries.length).toBeGreaterThanOrEqual(sealedBefore.length + 12);

    // Batches hold each entry once; together they hold all of them.
    const batches = await t.database.db.selectFrom('audit.batch').select(['batch_no', 'entry_ids', 'entry_count']).orderBy('batch_no').execute();
    const ids = batches.flatMap((b) => b.entry_ids.map(Number));
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort((a, b) => a - b)).toEqual(entries.map((e) => e.id));
    expect(batches.every((b) => b.entry_count >= 1 && b.entry_count <= 3)).toBe(true);
    expect(batches.map((b) => b.batch_no)).toEqual(batches.map((_, i) => i + 1));

    const report = await verify();
    expect(report).toMatchObject({ ok: true, unsealed: 0, problems: [], entries: entries.length, batches: batches.length });
  });

  it.runIf(process.env.DATABASE_URL)('lets writers commit while a sealer holds the sealing lock (PostgreSQL)', async () => {
    // Hold the sealer's advisory lock in another session, as a slow seal would.
    const LOCK = 0x6175646974;
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let locked!: () => void;
    const isLocked = new Promise<void>((r) => (locked = r));
    const holder = t.database.db.transaction().execute(async (trx) => {
      await sql`SELECT pg_advisory_xact_lock(${LOCK})`.execute(trx);
      locked();
      await released;
    });
    await isLocked;

    let sealDone = false;
    const seal = sealNextBatch(t.database.db, t.key, 3, t.clock.now()).then((r) => {
      sealDone = true;
      return r;
    });
    // Writers finish while the sealer waits for the lock.
    const results = await Promise.all([0, 1, 2].map(() => admin.post('/api/departments', newDepartmentBody('360100'))));
    for (const r of results) expect(r.status, r.text).toBe(201);
    expect(sealDone).toBe(false);

    release();
    await holder;
    const sealed = await seal;
    expect(sealed?.count).toBe(3);
    await t.app.sealNow();
    expect((await verify()).ok).toBe(true);
  });
});
