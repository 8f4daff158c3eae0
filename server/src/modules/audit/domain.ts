import { leafHash, nodeHash, sm3 } from '../../kernel/crypto/index.ts';

/** The fields of an entry that its hash covers (everything but the id and the seal mark). */
export interface SealableEntry {
  occurred_at: Date;
  actor_kind: string;
  actor_id: string | null;
  actor_name: string | null;
  department_id: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  target_label: string | null;
  summary: unknown;
  ip: string | null;
  request_id: string | null;
  outcome: string;
  error_code: string | null;
}

/** JSON with object keys sorted at every level: the same value always gives the same bytes. */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj).filter((k) => obj[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * The leaf of an entry. The id is deliberately left out: the batch lists its ids in order, so a
 * leaf found at another position names a reordering rather than an alteration.
 */
export function entryLeaf(e: SealableEntry): Buffer {
  return leafHash(
    Buffer.from(
      canonicalJson([
        e.occurred_at,
        e.actor_kind,
        e.actor_id,
        e.actor_name,
        e.department_id,
        e.action,
        e.target_type,
        e.target_id,
        e.target_label,
        e.summary,
        e.ip,
        e.request_id,
        e.outcome,
        e.error_code,
      ]),
      'utf8',
    ),
  );
}

/** Merkle root over leaf hashes (RFC 6962 pairing, odd node promoted). */
export function rootOfLeaves(leaves: readonly Buffer[]): Buffer {
  if (leaves.length === 0) return sm3(Buffer.alloc(0));
  let level = [...leaves];
  while (level.length > 1) {
    const next: Buffer[] = [];
    for (let i = 0; i + 1 < level.length; i += 2) next.push(nodeHash(level[i], level[i + 1]));
    if (level.length % 2 === 1) next.push(level[level.length - 1]);
    level = next;
  }
  return level[0];
}

export const GENESIS = Buffer.alloc(32, 0);

/** chain_n = SM3(chain_{n-1} ‖ root_n ‖ batch_no (8 bytes) ‖ entry count (4 bytes)); signed with SM2. */
export function chainHash(prev: Uint8Array, root: Uint8Array, batchNo: number, count: number): Buffer {
  const tail = Buffer.alloc(12);
  tail.writeBigUInt64BE(BigInt(batchNo), 0);
  tail.writeUInt32BE(count, 8);
  return sm3(Buffer.concat([prev, root, tail]));
}

export const splitLeaves = (buf: Uint8Array): Buffer[] => {
  const out: Buffer[] = [];
  for (let i = 0; i + 32 <= buf.length; i += 32) out.push(Buffer.from(buf.subarray(i, i + 32)));
  return out;
};
