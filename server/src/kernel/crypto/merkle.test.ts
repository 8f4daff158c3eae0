import { describe, expect, it } from 'vitest';
import { leafHash, merkleRoot, nodeHash } from './merkle.ts';
import { sm3 } from './sm3.ts';

const leaves = (n: number): Buffer[] => Array.from({ length: n }, (_, i) => Buffer.from(`event-${i}`));

/** RFC 6962 §2.1 recursive definition, as an independent reference. */
function rfc6962(items: Buffer[]): Buffer {
  if (items.length === 0) return sm3('');
  if (items.length === 1) return leafHash(items[0]);
  let k = 1;
  while (k * 2 < items.length) k *= 2;
  return nodeHash(rfc6962(items.slice(0, k)), rfc6962(items.slice(k)));
}

describe('merkleRoot', () => {
  it('hashes the empty list to SM3 of the empty string', () => {
    expect(merkleRoot([]).toString('hex')).toBe(sm3('').toString('hex'));
  });

  it('uses domain-separated leaf and node hashes', () => {
    const [a, b] = leaves(2);
    expect(leafHash(a).equals(sm3(Buffer.concat([Buffer.of(0), a])))).toBe(true);
    expect(merkleRoot([a]).equals(leafHash(a))).toBe(true);
    expect(merkleRoot([a, b]).equals(sm3(Buffer.concat([Buffer.of(1), leafHash(a), leafHash(b)])))).toBe(true);
  });

  it('promotes an odd last node and matches RFC 6962 for every size up to 33', () => {
    for (let n = 0; n <= 33; n++) expect(merkleRoot(leaves(n)).equals(rfc6962(leaves(n)))).toBe(true);
    const [a, b, c] = leaves(3);
    expect(merkleRoot([a, b, c]).equals(nodeHash(nodeHash(leafHash(a), leafHash(b)), leafHash(c)))).toBe(true);
  });

  it('depends on order and on every leaf', () => {
    const base = leaves(7);
    const root = merkleRoot(base);
    expect(merkleRoot([...base].reverse()).equals(root)).toBe(false);
    for (let i = 0; i < base.length; i++) {
      const changed = [...base];
      changed[i] = Buffer.from('tampered');
      expect(merkleRoot(changed).equals(root)).toBe(false);
    }
  });

  it('does not let a duplicated last leaf or an interior node pose as a leaf', () => {
    const [a, b, c] = leaves(3);
    expect(merkleRoot([a, b, c]).equals(merkleRoot([a, b, c, c]))).toBe(false);
    const interior = nodeHash(leafHash(a), leafHash(b));
    expect(merkleRoot([interior]).equals(merkleRoot([a, b]))).toBe(false);
  });
});
