import { sql, type Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { sm2Sign } from '../../kernel/crypto/index.ts';
import type { SigningKey } from './audit.keys.ts';
import { chainHash, entryLeaf, GENESIS, rootOfLeaves } from './domain.ts';

const SEALER_LOCK = 0x6175646974; // "audit"

/**
 * An entry that shows up unsealed although its time is older than the last seal by more than this
 * was written behind the sealer's back (no transaction stays open that long): it is left unsealed
 * and `audit verify` reports it as inserted.
 */
export const LATE_ENTRY_GRACE_MS = 10 * 60_000;

export interface SealResult {
  batchNo: number;
  count: number;
}

/**
 * Seals up to `batchSize` unsealed entries into the next batch. Writers never wait: they only
 * insert; the sealer alone (one at a time, by advisory lock) reads and marks entries.
 */
export async function sealNextBatch(db: Kysely<DB>, key: SigningKey, batchSize: number, now: Date): Promise<SealResult | null> {
  return db.transaction().execute(async (trx) => {
    await sql`SELECT pg_advisory_xact_lock(${SEALER_LOCK})`.execute(trx);
    const last = await trx
      .selectFrom('audit.batch')
      .select(['batch_no', 'chain_hash', 'sealed_at'])
      .orderBy('batch_no', 'desc')
      .limit(1)
      .executeTakeFirst();
    let query = trx.selectFrom('audit.entry').selectAll().where('batch_no', 'is', null);
    if (last) query = query.where('occurred_at', '>=', new Date(last.sealed_at.getTime() - LATE_ENTRY_GRACE_MS));
    const entries = await query.orderBy('id').limit(batchSize).execute();
    if (entries.length === 0) return null;

    const batchNo = (last?.batch_no ?? 0) + 1;
    const prev = last ? Buffer.from(last.chain_hash) : GENESIS;
    const leaves = entries.map(entryLeaf);
    const root = rootOfLeaves(leaves);
    const chain = chainHash(prev, root, batchNo, entries.length);
    const ids = entries.map((e) => e.id);
    await trx
      .insertInto('audit.batch')
      .values({
        batch_no: batchNo,
        sealed_at: now,
        entry_count: entries.length,
        entry_ids: ids,
        leaves: Buffer.concat(leaves),
        merkle_root: root,
        prev_chain_hash: prev,
        chain_hash: chain,
        signature: sm2Sign(key.privateKeyPem, chain),
        key_fingerprint: key.fingerprint,
      })
      .execute();
    await trx.updateTable('audit.entry').set({ batch_no: batchNo }).where('id', 'in', ids).execute();
    return { batchNo, count: entries.length };
  });
}

/** Seals until nothing is left (CLI, tests, shutdown). */
export async function sealAll(db: Kysely<DB>, key: SigningKey, batchSize: number, now: () => Date): Promise<number> {
  let sealed = 0;
  for (;;) {
    const r = await sealNextBatch(db, key, batchSize, now());
    if (!r) return sealed;
    sealed += r.count;
  }
}
