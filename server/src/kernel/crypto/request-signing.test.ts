import { describe, expect, it } from 'vitest';
import smCrypto from 'sm-crypto';
import { generateSm2KeyPair, sm2PublicKeyHex } from './sm2.ts';
import {
  NONCE_PATTERN,
  readSignatureHeaders,
  signingString,
  signRequest,
  verifyRequestSignature,
  type HeaderBag,
} from './request-signing.ts';

const { privateKeyPem, publicKeyPem } = generateSm2KeyPair();
const body = JSON.stringify({ title: '关于开展政务数据共享的通知', urgent: true });
const path = '/api/v1/documents?dept=360102&page=2';

/** Node lower-cases incoming header names. */
const lower = (h: Record<string, string>): HeaderBag =>
  Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));

describe('signingString', () => {
  it('joins method, path, timestamp, nonce and the SM3 body hash', () => {
    const s = signingString({ method: 'post', path: '/a?b=1', timestamp: 1700000000000, nonce: 'abcdefghijklmnop', body: 'abc' });
    expect(s).toBe(
      'POST\n/a?b=1\n1700000000000\nabcdefghijklmnop\n66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0',
    );
  });

  it('hashes an absent body as the empty string', () => {
    const a = signingString({ method: 'GET', path: '/', timestamp: '1', nonce: 'n'.repeat(16) });
    const b = signingString({ method: 'GET', path: '/', timestamp: '1', nonce: 'n'.repeat(16), body: new Uint8Array(0) });
    expect(a).toBe(b);
    expect(a.endsWith('\n1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b')).toBe(true);
  });

  it('refuses parts that would make the string ambiguous', () => {
    const ok = { method: 'GET', path: '/', timestamp: '1', nonce: 'n'.repeat(16) };
    expect(() => signingString({ ...ok, path: '/a\nb' })).toThrow(/path/);
    expect(() => signingString({ ...ok, path: 'a' })).toThrow(/path/);
    expect(() => signingString({ ...ok, method: 'GE T' })).toThrow(/method/);
    expect(() => signingString({ ...ok, timestamp: '1.5' })).toThrow(/timestamp/);
    expect(() => signingString({ ...ok, nonce: 'short' })).toThrow(/nonce/);
    expect(() => signingString({ ...ok, nonce: 'n'.repeat(65) })).toThrow(/nonce/);
    expect(() => signingString({ ...ok, nonce: 'n'.repeat(15) + '.' })).toThrow(/nonce/);
  });
});

describe('signRequest / verifyRequestSignature', () => {
  it('produces the four headers with a fresh timestamp and random nonce', () => {
    const before = Date.now();
    const h = signRequest({ clientId: 'dept-360102', privateKeyPem, method: 'POST', path, body });
    expect(h['X-ZT-Client-Id']).toBe('dept-360102');
    expect(Number(h['X-ZT-Timestamp'])).toBeGreaterThanOrEqual(before);
    expect(h['X-ZT-Nonce']).toMatch(NONCE_PATTERN);
    expect(h['X-ZT-Signature']).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(signRequest({ clientId: 'x', privateKeyPem, method: 'GET', path: '/' })['X-ZT-Nonce']).not.toBe(h['X-ZT-Nonce']);
  });

  it('verifies with PEM or hex public keys and case-insensitive header names', () => {
    const h = signRequest({ clientId: 'dept-360102', privateKeyPem, method: 'POST', path, body });
    expect(verifyRequestSignature({ publicKey: publicKeyPem, method: 'POST', path, body, headers: h })).toBe(true);
    expect(verifyRequestSignature({ publicKey: sm2PublicKeyHex(publicKeyPem), method: 'post', path, body: Buffer.from(body), headers: lower({ ...h }) })).toBe(true);
  });

  it('rejects any change to method, path, body, timestamp, nonce, signature or key', () => {
    const h = signRequest({ clientId: 'c', privateKeyPem, method: 'POST', path, body, timestamp: 1700000000000, nonce: 'nonce-nonce-nonce-1' });
    const verify = (o: { method?: string; path?: string; body?: string; headers?: HeaderBag; publicKey?: string }) =>
      verifyRequestSignature({ publicKey: publicKeyPem, method: 'POST', path, body, headers: { ...h }, ...o });
    expect(verify({})).toBe(true);
    expect(verify({ method: 'PUT' })).toBe(false);
    expect(verify({ path: path.replace('page=2', 'page=3') })).toBe(false);
    expect(verify({ body: body + ' ' })).toBe(false);
    expect(verify({ body: '' })).toBe(false);
    expect(verify({ headers: { ...h, 'X-ZT-Timestamp': '1700000000001' } })).toBe(false);
    expect(verify({ headers: { ...h, 'X-ZT-Nonce': 'nonce-nonce-nonce-2' } })).toBe(false);
    expect(verify({ publicKey: generateSm2KeyPair().publicKeyPem })).toBe(false);
    const sig = Buffer.from(h['X-ZT-Signature'], 'base64');
    sig[10] ^= 1;
    expect(verify({ headers: { ...h, 'X-ZT-Signature': sig.toString('base64') } })).toBe(false);
  });

  it('returns false for missing, repeated or malformed headers', () => {
    const h: HeaderBag = { ...signRequest({ clientId: 'c', privateKeyPem, method: 'GET', path: '/' }) };
    const verify = (headers: HeaderBag) => verifyRequestSignature({ publicKey: publicKeyPem, method: 'GET', path: '/', headers });
    expect(verify(h)).toBe(true);
    expect(verify({ ...h, 'X-ZT-Signature': undefined })).toBe(false);
    expect(verify({ ...h, 'X-ZT-Signature': 'not base64!' })).toBe(false);
    expect(verify({ ...h, 'X-ZT-Signature': [h['X-ZT-Signature'] as string, 'AAAA'] })).toBe(false);
    expect(verify({ ...h, 'X-ZT-Nonce': 'bad' })).toBe(false);
    expect(verify({ ...h, 'X-ZT-Timestamp': '-5' })).toBe(false);
    expect(verify({ ...h, 'X-ZT-Client-Id': '' })).toBe(false);
    expect(readSignatureHeaders(lower(h as Record<string, string>))?.clientId).toBe('c');
  });

  it('accepts a request signed with sm-crypto only (as a department system would)', () => {
    const { sm2, sm3 } = smCrypto;
    const keys = sm2.generateKeyPairHex();
    const timestamp = String(Date.now());
    const nonce = 'Dept_System-0123456789';
    // The signing string built by hand, independently of signingString().
    const message = ['PUT', path, timestamp, nonce, sm3(body)].join('\n');
    const sigHex = sm2.doSignature(message, keys.privateKey, { hash: true, der: true });
    const headers = {
      'x-zt-client-id': 'dept-360102',
      'x-zt-timestamp': timestamp,
      'x-zt-nonce': nonce,
      'x-zt-signature': Buffer.from(sigHex, 'hex').toString('base64'),
    };
    expect(verifyRequestSignature({ publicKey: keys.publicKey, method: 'PUT', path, body, headers })).toBe(true);
    expect(verifyRequestSignature({ publicKey: keys.publicKey, method: 'PUT', path, body: '{}', headers })).toBe(false);
  });

  it('is verifiable by sm-crypto', () => {
    const h = signRequest({ clientId: 'c', privateKeyPem, method: 'DELETE', path: '/api/v1/x/1', timestamp: 1700000000000 });
    const message = ['DELETE', '/api/v1/x/1', '1700000000000', h['X-ZT-Nonce'], smCrypto.sm3('')].join('\n');
    const sigHex = Buffer.from(h['X-ZT-Signature'], 'base64').toString('hex');
    expect(smCrypto.sm2.doVerifySignature(message, sigHex, sm2PublicKeyHex(publicKeyPem), { hash: true, der: true })).toBe(true);
  });
});
