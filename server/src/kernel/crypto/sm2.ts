// SM2 digital signatures (GB/T 32918.2-2016) over the curve of GB/T 32918.5-2017.
//
// Node can generate and (de)serialise SM2 keys, but crypto.sign/verify with them
// runs ECDSA rather than SM2 (nodejs/node#53761), so signatures would not
// interoperate with other SM2 implementations. The scheme itself is implemented
// here on top of the audited point arithmetic of @noble/curves; see
// docs/adr/0002-sm2-signatures.md.
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { DER, weierstrass, type WeierstrassPoint } from '@noble/curves/abstract/weierstrass.js';
import { sm3, sm3Hex, toBytes, type BytesLike } from './sm3.ts';

const CURVE = {
  p: 0xfffffffeffffffffffffffffffffffffffffffff00000000ffffffffffffffffn,
  n: 0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123n,
  h: 1n,
  a: 0xfffffffeffffffffffffffffffffffffffffffff00000000fffffffffffffffcn,
  b: 0x28e9fa9e9d9f5e344d5a9e4bcf6509a7f39789f515ab8f92ddbcbd414d940e93n,
  Gx: 0x32c4ae2c1f1981195f9904466a39c9948fe30bbff2660be1715a4589334c74c7n,
  Gy: 0xbc3736a2f4f6779c59bdcee36b692153d0a9877cc62a474002df32e52139f0a0n,
};

const Point = weierstrass(CURVE);
const Fn = Point.Fn;
// The generator's table of multiples, built once: signing (k·G) and verifying (s·G) walk it.
Point.BASE.precompute(8, false);
const N = CURVE.n;

export type Sm2Point = WeierstrassPoint<bigint>;
export interface Sm2Options {
  /** Signer's distinguishing identifier (default '1234567812345678', as GB/T 35276 and sm-crypto). */
  userId?: string;
}
export const SM2_DEFAULT_USER_ID = '1234567812345678';

const toBig = (b: Uint8Array): bigint => (b.length === 0 ? 0n : BigInt('0x' + Buffer.from(b).toString('hex')));
const to32 = (x: bigint): Buffer => Buffer.from(x.toString(16).padStart(64, '0'), 'hex');
// a || b || xG || yG never changes, so it is encoded once.
const CURVE_BYTES = Buffer.concat([CURVE.a, CURVE.b, CURVE.Gx, CURVE.Gy].map(to32));

// --- minimal DER reader, enough for SPKI and PKCS#8 EC keys -----------------

function readTlv(buf: Uint8Array, pos: number, tag: number): { value: Uint8Array; end: number } {
  if (buf[pos] !== tag) throw new Error('unexpected DER tag');
  let len = buf[pos + 1];
  let start = pos + 2;
  if (len === undefined) throw new Error('truncated DER');
  if (len & 0x80) {
    const count = len & 0x7f;
    if (count < 1 || count > 2) throw new Error('unsupported DER length');
    len = 0;
    for (let i = 0; i < count; i++) len = (len << 8) | (buf[start + i] ?? 0);
    start += count;
  }
  if (start + len > buf.length) throw new Error('truncated DER');
  return { value: buf.subarray(start, start + len), end: start + len };
}

// AlgorithmIdentifier{ id-ecPublicKey (1.2.840.10045.2.1), sm2p256v1 (1.2.156.10197.1.301) }.
// OpenSSL 3 loads such PEMs as a distinct "SM2" key type, for which Node reports
// no asymmetricKeyType, so the curve is identified from the DER instead.
const SM2_ALGORITHM = Buffer.from('06072a8648ce3d020106082a811ccf5501822d', 'hex');

function assertSm2Algorithm(algorithm: Uint8Array, what: string): void {
  if (!SM2_ALGORITHM.equals(algorithm)) {
    throw new Error(`${what} is not an SM2 key (expected id-ecPublicKey on curve 1.2.156.10197.1.301)`);
  }
}

// --- keys ---------------------------------------------------------------------

export function generateSm2KeyPair(): { privateKeyPem: string; publicKeyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', {
    namedCurve: 'SM2',
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return { privateKeyPem: privateKey, publicKeyPem: publicKey };
}

const HEX_POINT = /^04[0-9a-fA-F]{128}$/;
const PUBLIC_PEM = /^-----BEGIN PUBLIC KEY-----\r?\n[\s\S]+\r?\n-----END PUBLIC KEY-----$/;

/**
 * Accepts an SPKI PEM or the uncompressed hex point '04' || x || y (130 hex
 * characters, the sm-crypto format). Throws if the input is neither or the point
 * is not on the SM2 curve. Private-key PEMs are rejected on purpose: Node would
 * silently derive the public key from them, hiding a configuration mistake.
 */
export function parseSm2PublicKey(input: string): Sm2Point {
  const text = typeof input === 'string' ? input.trim() : '';
  let pointBytes: Uint8Array;
  if (HEX_POINT.test(text)) {
    pointBytes = Buffer.from(text, 'hex');
  } else if (PUBLIC_PEM.test(text)) {
    let key: KeyObject;
    try {
      key = createPublicKey(text);
    } catch {
      throw new Error('Invalid SM2 public key: the PEM could not be parsed');
    }
    // SubjectPublicKeyInfo ::= SEQUENCE { algorithm SEQUENCE, subjectPublicKey BIT STRING }
    const spki = key.export({ type: 'spki', format: 'der' });
    const seq = readTlv(spki, 0, 0x30).value;
    const alg = readTlv(seq, 0, 0x30);
    assertSm2Algorithm(alg.value, 'Public key');
    const bits = readTlv(seq, alg.end, 0x03).value;
    pointBytes = bits.subarray(1); // skip the "unused bits" octet
  } else {
    throw new Error(
      'Invalid SM2 public key: expected an SPKI PEM ("-----BEGIN PUBLIC KEY-----") ' +
        'or 130 hex characters "04" || x || y',
    );
  }
  try {
    const point = Point.fromBytes(pointBytes); // checks the curve equation
    point.assertValidity();
    return point;
  } catch {
    throw new Error('Invalid SM2 public key: the point is not on the SM2 curve');
  }
}

export function sm2PublicKeyHex(publicKey: string): string {
  return parseSm2PublicKey(publicKey).toHex(false);
}

// SubjectPublicKeyInfo header for SM2_ALGORITHM and a 65-byte uncompressed point.
const SPKI_PREFIX = Buffer.concat([Buffer.from('30593013', 'hex'), SM2_ALGORITHM, Buffer.from('034200', 'hex')]);

export function sm2PublicKeyToPem(publicKey: string): string {
  const point = parseSm2PublicKey(publicKey);
  const der = Buffer.concat([SPKI_PREFIX, point.toBytes(false)]);
  return createPublicKey({ key: der, format: 'der', type: 'spki' }).export({ type: 'spki', format: 'pem' }).toString();
}

/** SM3 of the uncompressed point, hex: stable whatever encoding the key came in. */
export function sm2KeyFingerprint(publicKey: string): string {
  return sm3Hex(parseSm2PublicKey(publicKey).toBytes(false));
}

function privateScalar(privateKeyPem: string): bigint {
  let key: KeyObject;
  try {
    key = createPrivateKey(privateKeyPem);
  } catch {
    throw new Error('Invalid SM2 private key: expected a PKCS#8 or SEC1 PEM');
  }
  // PrivateKeyInfo ::= SEQUENCE { version INTEGER, algorithm SEQUENCE, privateKey OCTET STRING }
  // whose OCTET STRING holds ECPrivateKey ::= SEQUENCE { version INTEGER, privateKey OCTET STRING, ... }
  const pkcs8 = key.export({ type: 'pkcs8', format: 'der' });
  const info = readTlv(pkcs8, 0, 0x30).value;
  const alg = readTlv(info, readTlv(info, 0, 0x02).end, 0x30);
  assertSm2Algorithm(alg.value, 'Private key');
  const ecKey = readTlv(readTlv(info, alg.end, 0x04).value, 0, 0x30).value;
  const d = toBig(readTlv(ecKey, readTlv(ecKey, 0, 0x02).end, 0x04).value);
  // GB/T 32918.1 §6.1: d ∈ [1, n-2], so that 1 + d is invertible mod n.
  if (d < 1n || d > N - 2n) throw new Error('Invalid SM2 private key: scalar out of range');
  return d;
}

// --- signatures ---------------------------------------------------------------

/**
 * Keys seen again and again (every signed request of an agent, every manifest of a node) are
 * parsed once: a verifying key keeps a precomputed multiple table, which makes t·P a walk of
 * additions, and each key its Z value. Bounded, oldest first out; the entries hold only public
 * data, or a private scalar already held by this process.
 */
class KeyCache<V> {
  readonly #max: number;
  readonly #map = new Map<string, V>();
  constructor(max: number) {
    this.#max = max;
  }
  get(key: string, make: () => V): V {
    let v = this.#map.get(key);
    if (v === undefined) {
      v = make();
      if (this.#map.size >= this.#max) this.#map.delete(this.#map.keys().next().value!);
      this.#map.set(key, v);
    }
    return v;
  }
}
type VerifyKey = { P: Sm2Point; z: Map<string, Buffer> };
const verifyKeys = new KeyCache<VerifyKey>(256);
const signKeys = new KeyCache<{ d: bigint; P: Sm2Point; z: Map<string, Buffer> }>(16);

function verifyKey(publicKey: string): VerifyKey {
  return verifyKeys.get(publicKey, () => {
    const P = parseSm2PublicKey(publicKey);
    P.precompute(4, false);
    return { P, z: new Map() };
  });
}

/** Z per key and user id, cached on the key's entry. */
function cachedZ(key: { P: Sm2Point; z: Map<string, Buffer> }, userId: string): Buffer {
  let z = key.z.get(userId);
  if (!z) {
    z = zValue(key.P, userId);
    if (key.z.size < 8) key.z.set(userId, z);
  }
  return z;
}

/** Z = SM3(ENTL || ID || a || b || xG || yG || xA || yA), GB/T 32918.2 §5.5. */
function zValue(publicKey: Sm2Point, userId: string): Buffer {
  const id = Buffer.from(userId, 'utf8');
  if (id.length > 0x1fff) throw new Error('SM2 userId too long'); // ENTL is a 16-bit bit count
  const entl = Buffer.alloc(2);
  entl.writeUInt16BE(id.length * 8);
  return sm3(Buffer.concat([entl, id, CURVE_BYTES, publicKey.toBytes(false).subarray(1)]));
}

function digest(key: { P: Sm2Point; z: Map<string, Buffer> }, message: BytesLike, opts: Sm2Options): bigint {
  const z = cachedZ(key, opts.userId ?? SM2_DEFAULT_USER_ID);
  return toBig(sm3(Buffer.concat([z, toBytes(message)])));
}

/** Uniform k in [1, n-1] by rejection sampling; a retry is needed with probability ≈ 2^-32. */
function randomScalar(): bigint {
  for (;;) {
    const k = toBig(randomBytes(32));
    if (k >= 1n && k < N) return k;
  }
}

/** Returns the DER SEQUENCE{ r INTEGER, s INTEGER }, as sm-crypto does with { der: true }. */
export function sm2Sign(privateKeyPem: string, message: BytesLike, opts: Sm2Options = {}): Buffer {
  const key = signKeys.get(privateKeyPem, () => {
    const d = privateScalar(privateKeyPem);
    return { d, P: Point.BASE.multiply(d), z: new Map<string, Buffer>() };
  });
  const { d } = key;
  const e = digest(key, message, opts);
  const inv1d = Fn.inv(Fn.add(1n, d));
  for (;;) {
    const k = randomScalar();
    const x1 = Point.BASE.multiply(k).toAffine().x;
    const r = Fn.create(e + x1);
    if (r === 0n || r + k === N) continue;
    const s = Fn.mul(inv1d, Fn.sub(k, Fn.mul(r, d)));
    if (s === 0n) continue;
    return Buffer.from(DER.hexFromSig({ r, s }), 'hex');
  }
}

function decodeSignature(sig: Uint8Array): { r: bigint; s: bigint } | null {
  if (sig[0] === 0x30) {
    try {
      return DER.toSig(sig, 33); // strict DER: minimal integers, no trailing bytes
    } catch {
      // fall through: a raw r||s may start with 0x30 too
    }
  }
  if (sig.length === 64) return { r: toBig(sig.subarray(0, 32)), s: toBig(sig.subarray(32)) };
  return null;
}

/**
 * Verifies a DER or raw 64-byte r||s signature. A malformed signature yields
 * false; a malformed public key throws, because that is a configuration error
 * rather than bad client input.
 */
export function sm2Verify(publicKey: string, message: BytesLike, signature: Uint8Array, opts: Sm2Options = {}): boolean {
  const key = verifyKey(publicKey);
  if (!(signature instanceof Uint8Array)) return false;
  try {
    const rs = decodeSignature(signature);
    if (!rs) return false;
    const { r, s } = rs;
    if (r < 1n || r >= N || s < 1n || s >= N) return false;
    const t = Fn.add(r, s);
    if (t === 0n) return false;
    // s·G + t·P, public scalars only; both points have their tables, so no doubling chain.
    const X = Point.BASE.multiplyUnsafe(s).add(key.P.multiplyUnsafe(t));
    if (X.is0()) return false;
    return Fn.create(digest(key, message, opts) + X.toAffine().x) === r;
  } catch {
    return false;
  }
}
