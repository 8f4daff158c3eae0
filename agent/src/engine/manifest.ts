// Batch manifests (docs/exchange-protocol.md §3), signed by the source node's key so a target can
// check a batch end to end without trusting the center.
import { signManifest, verifyManifest } from '@zhengtong/server/crypto';
import type { BodyEncoding, Manifest } from '../center/types.ts';

export interface ManifestInput {
  batchId: string;
  taskId: string;
  sourceNodeId: string;
  seq: number;
  kind: Manifest['kind'];
  columns: Manifest['columns'];
  rowCount: number;
  bytes: number;
  sm3: string;
  encoding?: BodyEncoding;
  rawBytes?: number;
  checkpoint: Manifest['checkpoint'];
  snapshot: Manifest['snapshot'];
  file: Manifest['file'];
  createdAt?: Date;
}

/** Exactly the protocol's fields, in a fixed shape (the signature covers the canonical JSON). */
export function buildManifest(i: ManifestInput): Manifest {
  if (!/^[0-9a-f]{64}$/.test(i.sm3)) throw new Error('manifest: sm3 must be 64 lower-case hex characters');
  if (!Number.isInteger(i.seq) || i.seq < 1) throw new Error('manifest: seq must be a positive integer');
  return {
    v: 1,
    batchId: i.batchId,
    taskId: i.taskId,
    sourceNodeId: i.sourceNodeId,
    seq: i.seq,
    kind: i.kind,
    format: i.kind === 'rows' ? 'csv' : 'binary',
    columns: i.columns.map((c) => ({ name: c.name, type: c.type })),
    rowCount: i.rowCount,
    bytes: i.bytes,
    sm3: i.sm3,
    encoding: i.encoding ?? 'identity',
    rawBytes: i.rawBytes ?? i.bytes,
    checkpoint: { from: i.checkpoint.from, to: i.checkpoint.to },
    snapshot: i.snapshot ? { id: i.snapshot.id, part: i.snapshot.part, last: i.snapshot.last } : null,
    file: i.file ? { name: i.file.name, contentType: i.file.contentType } : null,
    createdAt: (i.createdAt ?? new Date()).toISOString(),
  };
}

export function signBatchManifest(privateKeyPem: string, manifest: Manifest): string {
  return signManifest(privateKeyPem, manifest);
}

export function verifyBatchManifest(publicKey: string, manifest: Manifest, signature: string): boolean {
  return verifyManifest(publicKey, manifest, signature);
}

const CONTENT_TYPES: Record<string, string> = {
  pdf: 'application/pdf',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  tif: 'image/tiff',
  tiff: 'image/tiff',
  webp: 'image/webp',
  txt: 'text/plain',
  csv: 'text/csv',
  json: 'application/json',
  xml: 'application/xml',
  zip: 'application/zip',
  doc: 'application/msword',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xls: 'application/vnd.ms-excel',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  ofd: 'application/ofd',
};

export function contentTypeOf(name: string): string {
  const ext = name.toLowerCase().split('.').pop() ?? '';
  return CONTENT_TYPES[ext] ?? 'application/octet-stream';
}
