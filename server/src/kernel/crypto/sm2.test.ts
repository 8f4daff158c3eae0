import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import smCrypto from 'sm-crypto';
import {
  generateSm2KeyPair,
  parseSm2PublicKey,
  sm2KeyFingerprint,
  sm2PublicKeyHex,
  sm2PublicKeyToPem,
  sm2Sign,
  sm2Verify,
} from './sm2.ts';
import { sm3Hex } from './sm3.ts';

const { sm2 } = smCrypto;

// GB/T 32918.5-2017 / GM/T 0003.5 Annex A signature example (recommended curve, ID 1234567812345678).
const VECTOR = {
  d: '3945208f7b2144b13f36e38ac6d39f95889393692860b51a42fb81ef4df7c5b8',
  pub:
    '04' +
    '09f9df311e5421a150dd7d161e4bc5c672179fad1833fc076bb08ff356f35020' +
    'ccea490ce26775a52dc6ea718cc1aa600aed05fbf35e084a6632f6072da9ad13',
  msg: 'message digest',
  r: 'f5a03b0648d2c4630eeac513e1bb81a15944da3827d5b74143ac7eaceee720b3',
  s: 'b1b6aa29df212fd8763182bc0d421ca1bb9038fd1f7f42d4840b69c485bbc1aa',
};

/** PKCS#8 PEM for a raw private scalar, via a SEC1 DER structure. */
function pemFromScalar(dHex: string): string {
  const sec1 = Buffer.from('30310201010420' + dHex + 'a00a06082a811ccf5501822d', 'hex');
  return createPrivateKey({ key: sec1, format: 'der', type: 'sec1' }).export({ type: 'pkcs8', format: 'pem' }).toString();
}

/** The private scalar of a PEM key, hex, for handing to sm-crypto. */
function scalarFromPem(pem: string): string {
  // PKCS#8 as exported by Node: the 32-byte scalar follows a fixed 36-byte header.
  return createPrivateKey(pem).export({ type: 'pkcs8', format: 'der' }).subarray(36, 68).toString('hex');
}

describe('sm2 keys', () => {
  const { privateKeyPem, publicKeyPem } = generateSm2KeyPair();

  it('generates PKCS#8 / SPKI PEM on the SM2 curve', () => {
    expect(privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    // Node reports no key type for SM2 keys read from PEM, so check the DER AlgorithmIdentifier.
    const spki = createPublicKey(publicKeyPem).export({ type: 'spki', format: 'der' }).toString('hex');
    expect(spki).toContain('06082a811ccf5501822d'); // curve OID 1.2.156.10197.1.301
  });

  it('converts between PEM and hex both ways', () => {
    const hex = sm2PublicKeyHex(publicKeyPem);
    expect(hex).toMatch(/^04[0-9a-f]{128}$/);
    expect(sm2PublicKeyToPem(hex).trim()).toBe(publicKeyPem.trim());
    expect(sm2PublicKeyHex(hex.toUpperCase())).toBe(hex);
    expect(parseSm2PublicKey(publicKeyPem).equals(parseSm2PublicKey(hex))).toBe(true);
  });

  it('fingerprints the point, not the encoding', () => {
    const hex = sm2PublicKeyHex(publicKeyPem);
    expect(sm2KeyFingerprint(publicKeyPem)).toBe(sm2KeyFingerprint(hex));
    expect(sm2KeyFingerprint(hex)).toBe(sm3Hex(Buffer.from(hex, 'hex')));
  });

  it('derives the standard public key from the standard private key', () => {
    const pem = pemFromScalar(VECTOR.d);
    const pubPem = createPublicKey(pem).export({ type: 'spki', format: 'pem' }).toString();
    expect(sm2PublicKeyHex(pubPem)).toBe(VECTOR.pub);
  });

  it('rejects malformed public keys with a clear error', () => {
    expect(() => parseSm2PublicKey('hello')).toThrow(/expected an SPKI PEM/);
    expect(() => parseSm2PublicKey('04' + '00'.repeat(64))).toThrow(/not on the SM2 curve/);
    expect(() => parseSm2PublicKey(VECTOR.pub.slice(2))).toThrow(/expected an SPKI PEM/);
    expect(() => parseSm2PublicKey(privateKeyPem)).toThrow(/expected an SPKI PEM/);
    const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(() => parseSm2PublicKey(p256)).toThrow(/not an SM2 key/);
  });

  it('refuses to sign with a non-SM2 private key', () => {
    const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(() => sm2Sign(p256, 'x')).toThrow(/not an SM2 key/);
    expect(() => sm2Sign('not a key', 'x')).toThrow(/Invalid SM2 private key/);
  });
});

describe('sm2 signatures', () => {
  const { privateKeyPem, publicKeyPem } = generateSm2KeyPair();
  const pubHex = sm2PublicKeyHex(publicKeyPem);

  it('verifies the GB/T 32918.5 example signature (raw and DER)', () => {
    const raw = Buffer.from(VECTOR.r + VECTOR.s, 'hex');
    expect(sm2Verify(VECTOR.pub, VECTOR.msg, raw)).toBe(true);
    const der = Buffer.from('3046022100' + VECTOR.r + '022100' + VECTOR.s, 'hex');
    expect(sm2Verify(VECTOR.pub, VECTOR.msg, der)).toBe(true);
    expect(sm2Verify(VECTOR.pub, 'message digesT', raw)).toBe(false);
    expect(sm2Verify(VECTOR.pub, VECTOR.msg, raw, { userId: 'ALICE123@YAHOO.COM' })).toBe(false);
  });

  it('signs and verifies with PEM or hex public keys', () => {
    const sig = sm2Sign(privateKeyPem, 'hello 政通');
    expect(sig[0]).toBe(0x30);
    expect(sm2Verify(publicKeyPem, 'hello 政通', sig)).toBe(true);
    expect(sm2Verify(pubHex, Buffer.from('hello 政通'), sig)).toBe(true);
  });

  it('is randomised: two signatures of one message differ', () => {
    expect(sm2Sign(privateKeyPem, 'm').equals(sm2Sign(privateKeyPem, 'm'))).toBe(false);
  });

  it('rejects a tampered message, signature, key or user id', () => {
    const sig = sm2Sign(privateKeyPem, 'payload');
    expect(sm2Verify(publicKeyPem, 'payloaD', sig)).toBe(false);
    const flipped = Buffer.from(sig);
    flipped[flipped.length - 1] ^= 1;
    expect(sm2Verify(publicKeyPem, 'payload', flipped)).toBe(false);
    expect(sm2Verify(generateSm2KeyPair().publicKeyPem, 'payload', sig)).toBe(false);
    expect(sm2Verify(publicKeyPem, 'payload', sig, { userId: 'someone-else' })).toBe(false);
  });

  it('honours a custom user id consistently', () => {
    const sig = sm2Sign(privateKeyPem, 'm', { userId: 'dept-42@zhengtong' });
    expect(sm2Verify(publicKeyPem, 'm', sig, { userId: 'dept-42@zhengtong' })).toBe(true);
    expect(sm2Verify(publicKeyPem, 'm', sig)).toBe(false);
  });

  it('returns false (never throws) for malformed signatures', () => {
    const sig = sm2Sign(privateKeyPem, 'm');
    const bad: Uint8Array[] = [
      new Uint8Array(0),
      new Uint8Array(63),
      new Uint8Array(64), // r = s = 0
      new Uint8Array(64).fill(0xff), // r, s ≥ n
      sig.subarray(0, sig.length - 1),
      Buffer.concat([sig, Buffer.of(0)]), // trailing garbage
      Buffer.from('3006020100020100', 'hex'), // r = s = 0 in DER
    ];
    for (const b of bad) expect(sm2Verify(publicKeyPem, 'm', b)).toBe(false);
    expect(sm2Verify(publicKeyPem, 'm', 'not bytes' as unknown as Uint8Array)).toBe(false);
  });
});

describe('sm2 interoperability with sm-crypto', () => {
  const { privateKeyPem, publicKeyPem } = generateSm2KeyPair();
  const pubHex = sm2PublicKeyHex(publicKeyPem);
  const privHex = scalarFromPem(privateKeyPem);
  const messages = ['', 'abc', '政通 — 统一政务平台', 'x'.repeat(5000)];

  it('agrees on the public key derived from the private key', () => {
    expect(sm2.getPublicKeyFromPrivateKey(privHex)).toBe(pubHex);
  });

  it('verifies signatures made by sm-crypto (DER and raw)', () => {
    for (const msg of messages) {
      const der = sm2.doSignature(msg, privHex, { hash: true, der: true });
      expect(sm2Verify(publicKeyPem, msg, Buffer.from(der, 'hex'))).toBe(true);
      const raw = sm2.doSignature(msg, privHex, { hash: true });
      expect(sm2Verify(pubHex, msg, Buffer.from(raw, 'hex'))).toBe(true);
    }
  });

  it('verifies sm-crypto signatures over binary messages', () => {
    const msg = new Uint8Array([0, 1, 2, 250, 255]);
    const der = sm2.doSignature(msg, privHex, { hash: true, der: true });
    expect(sm2Verify(pubHex, msg, Buffer.from(der, 'hex'))).toBe(true);
  });

  it('produces signatures sm-crypto accepts', () => {
    for (const msg of messages) {
      const sig = sm2Sign(privateKeyPem, msg).toString('hex');
      expect(sm2.doVerifySignature(msg, sig, pubHex, { hash: true, der: true })).toBe(true);
      expect(sm2.doVerifySignature(msg + '!', sig, pubHex, { hash: true, der: true })).toBe(false);
    }
  });

  it('matches sm-crypto with sm-crypto generated keys and the standard key', () => {
    const kp = sm2.generateKeyPairHex();
    const sig = sm2.doSignature('m', kp.privateKey, { hash: true, der: true });
    expect(sm2Verify(kp.publicKey, 'm', Buffer.from(sig, 'hex'))).toBe(true);

    const ours = sm2Sign(pemFromScalar(VECTOR.d), VECTOR.msg).toString('hex');
    expect(sm2.doVerifySignature(VECTOR.msg, ours, VECTOR.pub, { hash: true, der: true })).toBe(true);
  });
});
