// SM3 (GB/T 32905-2016) helpers. Node's OpenSSL build provides SM3 natively,
// so no JavaScript hash implementation is needed.
import { createHash, createHmac } from 'node:crypto';

export type BytesLike = Uint8Array | string;

/** Strings are always hashed as UTF-8, matching sm-crypto and the request-signing spec. */
export function toBytes(data: BytesLike): Buffer {
  return typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

export function sm3(data: BytesLike): Buffer {
  return createHash('sm3').update(toBytes(data)).digest();
}

export function sm3Hex(data: BytesLike): string {
  return sm3(data).toString('hex');
}

export function hmacSm3(key: BytesLike, data: BytesLike): Buffer {
  return createHmac('sm3', toBytes(key)).update(toBytes(data)).digest();
}

/**
 * Key derivation function of GB/T 32918.4-2016 §5.4.3:
 * SM3(z || ct) for a 32-bit big-endian counter ct = 1, 2, …, truncated to `length` bytes.
 */
export function sm3Kdf(z: BytesLike, length: number): Buffer {
  if (!Number.isInteger(length) || length < 0 || length > 32 * 0xffff) throw new RangeError('sm3Kdf: invalid length');
  const seed = toBytes(z);
  const blocks: Buffer[] = [];
  const counter = Buffer.alloc(4);
  for (let ct = 1; blocks.length * 32 < length; ct++) {
    counter.writeUInt32BE(ct);
    blocks.push(createHash('sm3').update(seed).update(counter).digest());
  }
  return Buffer.concat(blocks).subarray(0, length);
}
