import { expect } from 'vitest';
import { verifyAuditLog, type VerifyReport } from '../../src/modules/audit/index.ts';
import { createTestApp, type TestApp } from '../harness.ts';
import { createDepartment } from './helpers.ts';

/**
 * A fresh database with a sealed, intact log of several batches (batch size 3):
 * seed, admin login, six department creations and two renames = 10 entries in 4 batches.
 */
export async function sealedLog(): Promise<TestApp> {
  const t = await createTestApp({ env: { AUDIT_BATCH_SIZE: '3' } });
  const admin = await t.login('admin');
  const ids: string[] = [];
  for (let i = 0; i < 6; i++) ids.push((await createDepartment(admin, i % 2 ? '360100' : '361100')).id);
  for (const id of ids.slice(0, 2)) {
    const res = await admin.patch(`/api/departments/${id}`, { name: `改名部门${id.slice(0, 4)}` });
    expect(res.status, res.text).toBe(200);
  }
  expect(await t.app.sealNow()).toBe(10);
  const report = await verify(t);
  expect(report).toEqual({ ok: true, batches: 4, entries: 10, unsealed: 0, head: { batchNo: 4, chainHash: expect.stringMatching(/^[0-9a-f]{64}$/) }, problems: [] });
  return t;
}

export const verify = (t: TestApp): Promise<VerifyReport> => verifyAuditLog(t.database.db, t.key.publicKeyPem, t.key.fingerprint);

export async function batch(t: TestApp, batchNo: number) {
  return t.database.db.selectFrom('audit.batch').selectAll().where('batch_no', '=', batchNo).executeTakeFirstOrThrow();
}

/** The ids of a batch's entries, in seal order. */
export async function idsOfBatch(t: TestApp, batchNo: number): Promise<number[]> {
  return (await batch(t, batchNo)).entry_ids.map(Number);
}
