import { describe, expect, it } from 'vitest';
import smCrypto from 'sm-crypto';
import { hmacSm3, sm3, sm3Hex, sm3Kdf } from './sm3.ts';

describe('sm3', () => {
  it('matches the GB/T 32905 example 1 ("abc")', () => {
    expect(sm3Hex('abc')).toBe('66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0');
  });

  it('matches the GB/T 32905 example 2 (64 bytes "abcd" x 16)', () => {
    expect(sm3Hex('abcd'.repeat(16))).toBe('debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732');
  });

  it('hashes strings as UTF-8 and bytes as bytes', () => {
    expect(sm3('政通').equals(sm3(Buffer.from('政通', 'utf8')))).toBe(true);
    expect(sm3(new Uint8Array([1, 2, 3]))).toHaveLength(32);
  });

  it('agrees with sm-crypto', () => {
    for (const input of ['', 'abc', '政通 Zhengtong', 'x'.repeat(1000)]) {
      expect(sm3Hex(input)).toBe(smCrypto.sm3(input));
    }
    const bytes = new Uint8Array([0, 255, 128, 7]);
    expect(sm3Hex(bytes)).toBe(smCrypto.sm3(bytes));
  });

  it('HMAC-SM3 agrees with sm-crypto', () => {
    const key = Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex');
    expect(hmacSm3(key, 'message').toString('hex')).toBe(smCrypto.sm3('message', { key: key.toString('hex') }));
  });

  it('KDF produces the requested length and is a prefix-stable stream', () => {
    expect(sm3Kdf('z', 0)).toHaveLength(0);
    const long = sm3Kdf('z', 70);
    expect(long).toHaveLength(70);
    expect(sm3Kdf('z', 16).equals(long.subarray(0, 16))).toBe(true);
    expect(sm3Kdf('z', 32).equals(sm3(Buffer.concat([Buffer.from('z'), Buffer.of(0, 0, 0, 1)])))).toBe(true);
  });
});
