import { createPrivateKey, createPublicKey } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { generateSm2KeyPair, sm2KeyFingerprint } from '../../kernel/crypto/index.ts';

export interface SigningKey {
  privateKeyPem: string;
  publicKeyPem: string;
  fingerprint: string;
  file: string;
}

/**
 * The platform's SM2 key that signs audit batches. It lives in a file beside the data, not in the
 * database, so that someone who can rewrite the audit tables cannot re-sign them. Created on
 * first use; operators may point AUDIT_KEY_FILE at a key kept elsewhere (docs/audit.md).
 */
export function loadOrCreateSigningKey(file: string): SigningKey {
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    const pair = generateSm2KeyPair();
    writeFileSync(file, pair.privateKeyPem, { mode: 0o600 });
    writeFileSync(`${file}.pub`, pair.publicKeyPem);
    chmodSync(file, 0o600);
  }
  const privateKeyPem = readFileSync(file, 'utf8');
  const pubFile = `${file}.pub`;
  const publicKeyPem = existsSync(pubFile) ? readFileSync(pubFile, 'utf8') : derivePublic(privateKeyPem);
  return { privateKeyPem, publicKeyPem, fingerprint: sm2KeyFingerprint(publicKeyPem), file };
}

function derivePublic(privateKeyPem: string): string {
  return createPublicKey(createPrivateKey(privateKeyPem)).export({ type: 'spki', format: 'pem' }).toString();
}

/** Loads an existing key; verification must never silently make a new one. */
export function loadSigningKey(file: string): SigningKey {
  if (!existsSync(file)) {
    throw new Error(`audit signing key not found at ${file} (set AUDIT_KEY_FILE or --key to the key that signed the batches)`);
  }
  return loadOrCreateSigningKey(file);
}

export const defaultKeyFile = (dataDir: string) => process.env.AUDIT_KEY_FILE || join(dataDir, 'keys', 'audit-sm2.pem');
