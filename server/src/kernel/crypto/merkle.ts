// SM3 Merkle tree with RFC 6962 domain separation, so that a leaf can never be
// passed off as an interior node (second-preimage attack on the tree).
import { sm3, toBytes, type BytesLike } from './sm3.ts';

const LEAF = Buffer.of(0x00);
const NODE = Buffer.of(0x01);

export function leafHash(data: BytesLike): Buffer {
  return sm3(Buffer.concat([LEAF, toBytes(data)]));
}

export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  return sm3(Buffer.concat([NODE, left, right]));
}

/**
 * Pairs hashes level by level; an odd last node is promoted unchanged (never
 * duplicated, which would let two different lists share a root). This gives the
 * same root as RFC 6962's recursive definition. Empty list → SM3('').
 */
export function merkleRoot(leaves: readonly Uint8Array[]): Buffer {
  if (leaves.length === 0) return sm3(Buffer.alloc(0));
  let level = leaves.map((leaf) => leafHash(leaf));
  while (level.length > 1) {
    const next: Buffer[] = [];
    for (let i = 0; i + 1 < level.length; i += 2) next.push(nodeHash(level[i]!, level[i + 1]!));
    if (level.length % 2 === 1) next.push(level[level.length - 1]!);
    level = next;
  }
  return level[0]!;
}
