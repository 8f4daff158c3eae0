import { describe, expect, it } from 'vitest';
import { hashPassword, passwordPolicyErrors, verifyPassword } from './password.ts';

describe('hashPassword / verifyPassword', () => {
  it('encodes parameters, salt and hash', async () => {
    const encoded = await hashPassword('Correct-Horse-9');
    expect(encoded).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=$/);
  });

  it('verifies the right password only', async () => {
    const encoded = await hashPassword('Correct-Horse-9');
    expect(await verifyPassword('Correct-Horse-9', encoded)).toBe(true);
    expect(await verifyPassword('correct-Horse-9', encoded)).toBe(false);
    expect(await verifyPassword('', encoded)).toBe(false);
  });

  it('salts: the same password hashes differently', async () => {
    expect(await hashPassword('Same-Password-1')).not.toBe(await hashPassword('Same-Password-1'));
  });

  it('treats full-width and half-width input alike (NFKC)', async () => {
    const encoded = await hashPassword('Passw0rd-2024');
    expect(await verifyPassword('Ｐａｓｓｗ０ｒｄ－２０２４', encoded)).toBe(true);
  });

  it('returns false for malformed or abusive encodings', async () => {
    const encoded = await hashPassword('Correct-Horse-9');
    const [, , , , salt, hash] = encoded.split('$');
    for (const bad of [
      '',
      'bcrypt$2b$10$abc',
      encoded.replace('scrypt$16384', 'scrypt$16383'), // N not a power of two
      `scrypt$1048576$64$1$${salt}$${hash}`, // 8 GiB of memory
      `scrypt$16384$8$1$${salt}$`,
      encoded + '$extra',
    ]) {
      expect(await verifyPassword('Correct-Horse-9', bad)).toBe(false);
    }
  });
});

describe('passwordPolicyErrors', () => {
  const codes = (p: string) => passwordPolicyErrors(p).map((e) => e.code);

  it('accepts long passwords with three character classes', () => {
    expect(codes('abcdefGH12')).toEqual([]);
    expect(codes('abcdefgh1!')).toEqual([]);
    expect(codes('政务服务平台abc12')).toEqual([]); // CJK counts as a symbol
  });

  it('rejects short, long and single-class passwords', () => {
    expect(codes('aB1!')).toEqual(['tooShort']);
    expect(codes('abcdefghijk')).toEqual(['tooFewCharacterClasses']);
    expect(codes('abcdefghij12')).toEqual(['tooFewCharacterClasses']);
    expect(codes('aA1!'.repeat(33))).toEqual(['tooLong']);
    expect(codes('')).toEqual(['tooShort', 'tooFewCharacterClasses']);
  });

  it('gives English and Chinese messages', () => {
    for (const e of passwordPolicyErrors('abc')) {
      expect(e.message).toMatch(/[A-Za-z]/);
      expect(e.messageZh).toMatch(/密码/);
    }
  });
});
