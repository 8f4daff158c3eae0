import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sm4Open, sm4Seal } from './sm4.ts';

describe('sm4Seal / sm4Open', () => {
  const key32 = randomBytes(32);
  const key16 = randomBytes(16);

  it('round-trips with 32- and 16-byte keys, including empty and long plaintexts', () => {
    for (const key of [key32, key16]) {
      for (const text of ['', 'a', '公民身份号码 360102199001011234', 'x'.repeat(10_000)]) {
        expect(sm4Open(key, sm4Seal(key, text)).toString('utf8')).toBe(text);
      }
    }
  });

  it('round-trips binary data and uses a fresh IV each time', () => {
    const data = randomBytes(100);
    const a = sm4Seal(key32, data);
    const b = sm4Seal(key32, data);
    expect(a.equals(b)).toBe(false);
    expect(sm4Open(key32, a).equals(data)).toBe(true);
  });

  it('detects tampering anywhere in the sealed data', () => {
    const sealed = sm4Seal(key32, 'transfer 100 yuan');
    for (let i = 0; i < sealed.length; i++) {
      const t = Buffer.from(sealed);
      t[i] ^= 0x01;
      expect(() => sm4Open(key32, t)).toThrow(/sm4Open/);
    }
    expect(() => sm4Open(key32, sealed.subarray(0, sealed.length - 1))).toThrow(/authentication failed/);
    expect(() => sm4Open(key32, sealed.subarray(0, 20))).toThrow(/malformed/);
  });

  it('fails with the wrong key or associated data', () => {
    const sealed = sm4Seal(key32, 'secret', 'row:42');
    expect(sm4Open(key32, sealed, 'row:42').toString()).toBe('secret');
    expect(() => sm4Open(key32, sealed, 'row:43')).toThrow(/authentication failed/);
    expect(() => sm4Open(key32, sealed)).toThrow(/authentication failed/);
    expect(() => sm4Open(randomBytes(32), sealed, 'row:42')).toThrow(/authentication failed/);
  });

  it('rejects keys of other sizes', () => {
    expect(() => sm4Seal(randomBytes(24), 'x')).toThrow(/16 or 32 bytes/);
  });
});
