// Batch bodies are hashed while they are written, so a batch of any size is read from its source
// once and never held in memory; fsync before rename makes the file durable before its outbox row.
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Sm3Tap } from '@zhengtong/server/crypto';
import type { BodyEncoding } from '../center/types.ts';
import { bodyEncoder } from './body-encoding.ts';

export interface WrittenFile<T> {
  result: T;
  /** SM3 and size of the file: the body as it is sent (encoded). */
  sm3: string;
  bytes: number;
  encoding: BodyEncoding;
  /** What `produce` wrote, before encoding. */
  rawBytes: number;
}

export async function writeBatchFile<T>(path: string, produce: (out: Writable) => Promise<T>, encoding: BodyEncoding = 'identity'): Promise<WrittenFile<T>> {
  const partPath = `${path}.part`;
  const tap = new Sm3Tap();
  const encoder = bodyEncoder(encoding);
  // flush: fsync before the descriptor closes, so the file is on disk before its outbox row.
  const file = createWriteStream(partPath, { mode: 0o600, flush: true });
  const written = encoder ? pipeline(encoder, tap, file) : pipeline(tap, file);
  const input: Writable = encoder ?? tap;
  try {
    const result = await produce(input);
    input.end();
    await written;
    await rename(partPath, path);
    return { result, sm3: tap.sm3, bytes: tap.bytes, encoding, rawBytes: encoder ? encoder.bytesWritten : tap.bytes };
  } catch (err) {
    input.destroy();
    await written.catch(() => {});
    await rm(partPath, { force: true });
    throw err;
  }
}
