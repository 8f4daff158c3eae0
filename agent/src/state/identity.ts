// The node's identity after enrolment: node.json (ids, center) and node.key (SM2 private key, 0600).
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateSm2KeyPair } from '@zhengtong/server/crypto';

export interface NodeIdentity {
  nodeId: string;
  clientId: string;
  nodeCode: string;
  nodeName: string;
  centerUrl: string;
  enrolledAt: string;
}

export interface NodeCredential extends NodeIdentity {
  privateKeyPem: string;
}

export class NotEnrolledError extends Error {
  constructor(stateDir: string) {
    super(`this machine is not enrolled yet (no ${join(stateDir, 'node.json')}): run "zhengtong-agent enrol --center URL --token TOKEN" first (尚未注册节点)`);
    this.name = 'NotEnrolledError';
  }
}

export const nodeJsonPath = (stateDir: string) => join(stateDir, 'node.json');
export const nodeKeyPath = (stateDir: string) => join(stateDir, 'node.key');

export function readIdentity(stateDir: string): NodeIdentity | null {
  const file = nodeJsonPath(stateDir);
  if (!existsSync(file)) return null;
  return JSON.parse(readFileSync(file, 'utf8')) as NodeIdentity;
}

export function readCredential(stateDir: string): NodeCredential {
  const identity = readIdentity(stateDir);
  if (!identity) throw new NotEnrolledError(stateDir);
  const keyFile = nodeKeyPath(stateDir);
  if (!existsSync(keyFile)) throw new Error(`${keyFile} is missing although ${nodeJsonPath(stateDir)} exists: the node key is lost — re-enrol with a new token`);
  return { ...identity, privateKeyPem: readFileSync(keyFile, 'utf8') };
}

/**
 * The key pair for enrolment. A key left by an enrolment whose answer was lost is reused, so a
 * retry with a fresh token does not strand a second key.
 */
export function ensureNodeKey(stateDir: string): { privateKeyPem: string; publicKeyPem: string; created: boolean } {
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const keyFile = nodeKeyPath(stateDir);
  const pubFile = join(stateDir, 'node.pub');
  if (existsSync(keyFile) && existsSync(pubFile)) {
    chmodSync(keyFile, 0o600);
    return { privateKeyPem: readFileSync(keyFile, 'utf8'), publicKeyPem: readFileSync(pubFile, 'utf8'), created: false };
  }
  const { privateKeyPem, publicKeyPem } = generateSm2KeyPair();
  writeAtomic(keyFile, privateKeyPem, 0o600);
  writeAtomic(pubFile, publicKeyPem, 0o644);
  return { privateKeyPem, publicKeyPem, created: true };
}

export function writeIdentity(stateDir: string, identity: NodeIdentity) {
  writeAtomic(nodeJsonPath(stateDir), JSON.stringify(identity, null, 2) + '\n', 0o644);
}

function writeAtomic(file: string, text: string, mode: number) {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, text, { mode });
  chmodSync(tmp, mode);
  renameSync(tmp, file);
}
