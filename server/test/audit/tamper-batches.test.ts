import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { generateSm2KeyPair, sm2KeyFingerprint, sm2Sign } from '../../src/kernel/crypto/index.ts';
import { chainHash, GENESIS, rootOfLeaves, splitLeaves } from '../../src/modules/audit/domain.ts';
import type { TestApp } from '../harness.ts';
import { batch, idsOfBatch, sealedLog, verify } from './tamper.ts';

// Each case tampers with its own freshly sealed database, so one case cannot mask another.
let t: TestApp;
beforeEach(async () => {
  t = await sealedLog();
});
afterEach(async () => t?.close());

const flip = (buf: Uint8Array, at = 0) => {
  const out = Buffer.from(buf);
  out[at] ^= 0xff;
  return out;
};

describe('tampering with sealed batches', () => {
  it("detects a batch whose Merkle root was replaced", async () => {
    const b = await batch(t, 2);
    await t.database.db.updateTable('audit.batch').set({ merkle_root: flip(b.merkle_root) }).where('batch_no', '=', 2).execute();
    const report = await verify(t);
    expect(report.ok).toBe(false);
    expect(report.problems[0]).toMatchObject({ kind: 'batch_altered', batchNo: 2 });
  });

  it('detects a batch whose leaf list was changed, and names the entry it no longer matches', async () => {
    const b = await batch(t, 2);
    await t.database.db.updateTable('audit.batch').set({ leaves: flip(b.leaves, 32) }).where('batch_no', '=', 2).execute();
    const report = await verify(t);
    expect(report.ok).toBe(false);
    expect(report.problems[0]).toMatchObject({ kind: 'batch_altered', batchNo: 2 });
    expect(report.problems).toContainEqual(expect.objectContaining({ kind: 'entry_altered', batchNo: 2, entryId: b.entry_ids.map(Number)[1] }));
  });

  it('detects a rewritten batch whose leaves, root and chain were all recomputed without the key', async () => {
    // Alter an entry and rebuild everything that can be rebuilt without the private key.
    const [victim] = await idsOfBatch(t, 3);
    await sql`UPDATE audit.entry SET target_label = '伪造' WHERE id = ${victim}`.execute(t.database.db);
    const { entryLeaf } = await import('../../src/modules/audit/domain.ts');
    const b = await batch(t, 3);
    const rows = await t.database.db.selectFrom('audit.entry').selectAll().where('batch_no', '=', 3).orderBy('id').execute();
    const leaves = rows.map(entryLeaf);
    const root = rootOfLeaves(leaves);
    const chain = chainHash(Buffer.from(b.prev_chain_hash), root, 3, leaves.length);
    await t.database.db.updateTable('audit.batch').set({ leaves: Buffer.concat(leaves), merkle_root: root, chain_hash: chain }).where('batch_no', '=', 3).execute();
    const report = await verify(t);
    expect(report.ok).toBe(false);
    expect(report.problems[0]).toMatchObject({ kind: 'signature_invalid', batchNo: 3 });
    // …and the next batch no longer links to it.
    expect(report.problems).toContainEqual(expect.objectContaining({ kind: 'chain_broken', batchNo: 4 }));
  });

  it('detects a deleted batch in the middle of the chain', async () => {
    await sql`DELETE FROM audit.batch WHERE batch_no = 2`.execute(t.database.db);
    const report = await verify(t);
    expect(report.ok).toBe(false);
    expect(['batch_missing', 'chain_broken']).toContain(report.problems[0].kind);
    expect(report.problems).toContainEqual(expect.objectContaining({ kind: 'batch_missing', batchNo: 2 }));
    expect(report.problems).toContainEqual(expect.objectContaining({ kind: 'chain_broken', batchNo: 3 }));
  });

  it('detects a deleted first batch', async () => {
    await sql`DELETE FROM audit.batch WHERE batch_no = 1`.execute(t.database.db);
    const report = await verify(t);
    expect(report.ok).toBe(false);
    expect(['batch_missing', 'chain_broken']).toContain(report.problems[0].kind);
    expect(report.problems).toContainEqual(expect.objectContaining({ kind: 'batch_missing', batchNo: 1 }));
  });

  it('detects the deletion of the last batch while its entries remain', async () => {
    const ids = await idsOfBatch(t, 4);
    await sql`DELETE FROM audit.batch WHERE batch_no = 4`.execute(t.database.db);
    const report = await verify(t);
    expect(report.ok).toBe(false);
    expect(report.problems[0].entryId).toBe(ids[0]);
    expect(report.problems[0].batchNo).toBe(4);
  });

  it('detects a batch re-signed with another key under the platform key fingerprint (signature_invalid)', async () => {
    const other = generateSm2KeyPair();
    const b = await batch(t, 3);
    await t.database.db
      .updateTable('audit.batch')
      .set({ signature: sm2Sign(other.privateKeyPem, Buffer.from(b.chain_hash)) })
      .where('batch_no', '=', 3)
      .execute();
    const report = await verify(t);
    expect(report.ok).toBe(false);
    expect(report.problems[0]).toMatchObject({ kind: 'signature_invalid', batchNo: 3 });
    expect(report.problems).toHaveLength(1);
  });

  it('detects a batch signed with another key under its own fingerprint (unknown_key)', async () => {
    const other = generateSm2KeyPair();
    const b = await batch(t, 2);
    await t.database.db
      .updateTable('audit.batch')
      .set({ signature: sm2Sign(other.privateKeyPem, Buffer.from(b.chain_hash)), key_fingerprint: sm2KeyFingerprint(other.publicKeyPem) })
      .where('batch_no', '=', 2)
      .execute();
    const report = await verify(t);
    expect(report.ok).toBe(false);
    expect(report.problems[0]).toMatchObject({ kind: 'unknown_key', batchNo: 2 });
  });

  it('detects a whole chain rebuilt and re-signed with another key', async () => {
    const other = generateSm2KeyPair();
    const fingerprint = sm2KeyFingerprint(other.publicKeyPem);
    await sql`UPDATE audit.entry SET target_label = '伪造' WHERE id = ${(await idsOfBatch(t, 1))[2]}`.execute(t.database.db);
    const { entryLeaf } = await import('../../src/modules/audit/domain.ts');
    let prev: Buffer = GENESIS;
    for (const no of [1, 2, 3, 4]) {
      const rows = await t.database.db.selectFrom('audit.entry').selectAll().where('batch_no', '=', no).orderBy('id').execute();
      const leaves = rows.map(entryLeaf);
      const root = rootOfLeaves(leaves);
      const chain = chainHash(prev, root, no, leaves.length);
      await t.database.db
        .updateTable('audit.batch')
        .set({ leaves: Buffer.concat(leaves), merkle_root: root, prev_chain_hash: prev, chain_hash: chain, signature: sm2Sign(other.privateKeyPem, chain), key_fingerprint: fingerprint })
        .where('batch_no', '=', no)
        .execute();
      prev = chain;
    }
    // Consistent in itself, but not under the platform's key.
    const report = await verify(t);
    expect(report.ok).toBe(false);
    expect(report.problems.map((p) => p.kind)).toEqual(['unknown_key', 'unknown_key', 'unknown_key', 'unknown_key']);
    expect(splitLeaves((await batch(t, 1)).leaves)).toHaveLength(3);
  });
});
