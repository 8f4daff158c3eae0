import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { sm2Verify } from '../../kernel/crypto/index.ts';
import { chainHash, entryLeaf, GENESIS, rootOfLeaves, splitLeaves } from './domain.ts';
import { LATE_ENTRY_GRACE_MS } from './audit.sealer.ts';

export type ProblemKind =
  | 'entry_altered'
  | 'entry_deleted'
  | 'entry_inserted'
  | 'entry_reordered'
  | 'batch_altered'
  | 'batch_missing'
  | 'batch_inserted'
  | 'chain_broken'
  | 'signature_invalid'
  | 'unknown_key';

export interface VerifyProblem {
  kind: ProblemKind;
  batchNo: number | null;
  entryId: number | null;
  message: string;
}

export interface VerifyReport {
  ok: boolean;
  batches: number;
  entries: number;
  unsealed: number;
  /**
   * The last batch and its chain hash. Deleting the newest batches together with their entries
   * leaves a shorter but consistent chain; recording this head outside the platform (a ticket, a
   * printed report, another system) is what catches that.
   */
  head: { batchNo: number; chainHash: string } | null;
  problems: VerifyProblem[];
}

const PAGE = 200;

/**
 * Recomputes every leaf, root, chain link and signature. Problems are listed in chain order, so
 * the first one names the first entry or batch that was tampered with.
 */
export async function verifyAuditLog(db: Kysely<DB>, publicKeyPem: string, fingerprint: string): Promise<VerifyReport> {
  const problems: VerifyProblem[] = [];
  const add = (kind: ProblemKind, batchNo: number | null, entryId: number | null, message: string) =>
    problems.push({ kind, batchNo, entryId, message });

  let prevChain: Buffer = GENESIS;
  let expectedNo = 1;
  let batches = 0;
  let entries = 0;
  let lastSealedAt: Date | null = null;

  for (let offset = 0; ; offset += PAGE) {
    const page = await db.selectFrom('audit.batch').selectAll().orderBy('batch_no').offset(offset).limit(PAGE).execute();
    for (const b of page) {
      batches++;
      if (b.batch_no !== expectedNo) {
        if (b.batch_no > expectedNo) add('batch_missing', expectedNo, null, `batches ${expectedNo}…${b.batch_no - 1} are missing`);
        else add('batch_inserted', b.batch_no, null, `batch ${b.batch_no} appears out of sequence`);
      }
      expectedNo = b.batch_no + 1;
      lastSealedAt = b.sealed_at;
      const storedLeaves = splitLeaves(b.leaves);
      const storedRoot = Buffer.from(b.merkle_root);
      if (!Buffer.from(b.prev_chain_hash).equals(prevChain)) {
        add('chain_broken', b.batch_no, null, `batch ${b.batch_no} does not link to the previous batch`);
      }
      const chain = chainHash(prevChain, storedRoot, b.batch_no, b.entry_count);
      if (!chain.equals(Buffer.from(b.chain_hash))) {
        add('batch_altered', b.batch_no, null, `batch ${b.batch_no}: its chain hash does not match its contents`);
      }
      if (b.key_fingerprint !== fingerprint) {
        add('unknown_key', b.batch_no, null, `batch ${b.batch_no} was signed with another key (${b.key_fingerprint.slice(0, 16)}…)`);
      } else if (!sm2Verify(publicKeyPem, Buffer.from(b.chain_hash), Buffer.from(b.signature))) {
        add('signature_invalid', b.batch_no, null, `batch ${b.batch_no}: the SM2 signature does not verify`);
      }
      if (storedLeaves.length !== b.entry_count || b.entry_ids.length !== b.entry_count || !rootOfLeaves(storedLeaves).equals(storedRoot)) {
        add('batch_altered', b.batch_no, null, `batch ${b.batch_no}: its leaf list does not match its Merkle root`);
      }
      prevChain = Buffer.from(b.chain_hash);
      entries += await verifyBatchEntries(db, b.batch_no, b.entry_ids.map(Number), storedLeaves, add);
    }
    if (page.length < PAGE) break;
  }

  // Entries that point at a batch that does not exist were written behind the sealer's back.
  const orphans = await db
    .selectFrom('audit.entry')
    .select(['id', 'batch_no'])
    .where('batch_no', '>=', expectedNo)
    .orderBy('id')
    .limit(100)
    .execute();
  for (const o of orphans) add('entry_inserted', o.batch_no, o.id, `entry ${o.id} claims batch ${o.batch_no}, which does not exist`);

  // Unsealed entries dated well before the last seal cannot be late commits: they were inserted.
  const unsealed = await db.selectFrom('audit.entry').select(['id', 'occurred_at']).where('batch_no', 'is', null).orderBy('id').execute();
  if (lastSealedAt) {
    const limit = lastSealedAt.getTime() - LATE_ENTRY_GRACE_MS;
    for (const u of unsealed) {
      if (u.occurred_at.getTime() < limit) {
        add('entry_inserted', null, u.id, `entry ${u.id} is dated ${u.occurred_at.toISOString()}, before batches already sealed, but was never sealed`);
      }
    }
  }
  const head = batches ? { batchNo: expectedNo - 1, chainHash: prevChain.toString('hex') } : null;
  return { ok: problems.length === 0, batches, entries, unsealed: unsealed.length, head, problems };
}

async function verifyBatchEntries(
  db: Kysely<DB>,
  batchNo: number,
  ids: number[],
  storedLeaves: Buffer[],
  add: (kind: ProblemKind, batchNo: number | null, entryId: number | null, message: string) => void,
): Promise<number> {
  const rows = await db.selectFrom('audit.entry').selectAll().where('batch_no', '=', batchNo).orderBy('id').execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  const listed = new Set(ids);
  const leafPositions = new Map<string, number[]>();
  storedLeaves.forEach((l, i) => {
    const k = l.toString('hex');
    leafPositions.set(k, [...(leafPositions.get(k) ?? []), i]);
  });
  ids.forEach((id, i) => {
    const row = byId.get(id);
    if (!row) {
      add('entry_deleted', batchNo, id, `entry ${id} of batch ${batchNo} is missing`);
      return;
    }
    const leaf = entryLeaf(row);
    if (storedLeaves[i] && leaf.equals(storedLeaves[i])) return;
    const elsewhere = leafPositions.get(leaf.toString('hex'));
    if (elsewhere?.length) {
      add('entry_reordered', batchNo, id, `entry ${id} holds the contents sealed as entry ${ids[elsewhere[0]]}: entries were reordered`);
    } else {
      add('entry_altered', batchNo, id, `entry ${id} was altered after it was sealed`);
    }
  });
  for (const r of rows) {
    if (!listed.has(r.id)) add('entry_inserted', batchNo, r.id, `entry ${r.id} claims batch ${batchNo} but was not sealed in it`);
  }
  return rows.length;
}
