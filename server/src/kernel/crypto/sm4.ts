// Authenticated encryption with SM4-CBC + HMAC-SM3 (encrypt-then-MAC).
// Node has SM4 but no SM4-GCM, so authenticity comes from a separate MAC that
// is checked before anything is decrypted (no padding oracle).
//
// Sealed format: version(1) = 0x01 || iv(16) || ciphertext || tag(32)
// tag = HMAC-SM3(macKey, version || u32be(len(aad)) || aad || iv || ciphertext)
import { createCipheriv, createDecipheriv, randomBytes, timingSafeEqual } from 'node:crypto';
import { hmacSm3, sm3Kdf, toBytes, type BytesLike } from './sm3.ts';

const VERSION = 0x01;
const IV_LEN = 16;
const TAG_LEN = 32;
const KDF_LABEL = Buffer.from('zhengtong/sm4-seal/v1', 'utf8');

/**
 * A 32-byte key is split into a 16-byte SM4 key and a 16-byte MAC key. A 16-byte
 * key is expanded with the GB/T 32918.4 SM3 KDF, so that the same bytes are never
 * used both as cipher key and MAC key.
 */
function splitKey(key: Uint8Array): { encKey: Buffer; macKey: Buffer } {
  let material: Buffer;
  if (key.length === 32) material = Buffer.from(key);
  else if (key.length === 16) material = sm3Kdf(Buffer.concat([key, KDF_LABEL]), 32);
  else throw new RangeError('SM4 key must be 16 or 32 bytes');
  return { encKey: material.subarray(0, 16), macKey: material.subarray(16) };
}

function tag(macKey: Buffer, aad: Buffer, iv: Uint8Array, ciphertext: Uint8Array): Buffer {
  const aadLen = Buffer.alloc(4);
  aadLen.writeUInt32BE(aad.length);
  return hmacSm3(macKey, Buffer.concat([Buffer.of(VERSION), aadLen, aad, iv, ciphertext]));
}

/** `aad` is authenticated but not encrypted, e.g. a record id the ciphertext belongs to. */
export function sm4Seal(key: Uint8Array, plaintext: BytesLike, aad: BytesLike = ''): Buffer {
  const { encKey, macKey } = splitKey(key);
  const iv = randomBytes(IV_LEN);
  const cipher = createCipheriv('sm4-cbc', encKey, iv);
  const ciphertext = Buffer.concat([cipher.update(toBytes(plaintext)), cipher.final()]);
  return Buffer.concat([Buffer.of(VERSION), iv, ciphertext, tag(macKey, toBytes(aad), iv, ciphertext)]);
}

/** Throws if the data was modified, the key or aad differ, or the format is unknown. */
export function sm4Open(key: Uint8Array, sealed: Uint8Array, aad: BytesLike = ''): Buffer {
  const { encKey, macKey } = splitKey(key);
  // CBC ciphertext is at least one 16-byte block (PKCS#7 padding always adds one).
  if (sealed.length < 1 + IV_LEN + 16 + TAG_LEN || sealed[0] !== VERSION) {
    throw new Error('sm4Open: malformed sealed data');
  }
  const iv = sealed.subarray(1, 1 + IV_LEN);
  const ciphertext = sealed.subarray(1 + IV_LEN, sealed.length - TAG_LEN);
  const expected = tag(macKey, toBytes(aad), iv, ciphertext);
  if (!timingSafeEqual(expected, sealed.subarray(sealed.length - TAG_LEN))) {
    throw new Error('sm4Open: authentication failed');
  }
  const decipher = createDecipheriv('sm4-cbc', encKey, iv);
  return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
}
