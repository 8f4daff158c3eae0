// Batch bodies are hashed while they are written, so a batch of any size is read from its source
// once and never held in memory; fsync before rename makes the file durable before its outbox row.
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Sm3Tap } from '@zhengtong/server/crypto';

export interface WrittenFile<T> {
  result: T;
  sm3: string;
  bytes: number;
}

export async function writeBatchFile<T>(path: string, produce: (out: Writable) => Promise<T>): Promise<WrittenFile<T>> {
  const partPath = `${path}.part`;
  const tap = new Sm3Tap();
  // flush: fsync before the descriptor closes, so the file is on disk before its outbox row.
  const written = pipeline(tap, createWriteStream(partPath, { mode: 0o600, flush: true }));
  try {
    const result = await produce(tap);
    tap.end();
    await written;
    await rename(partPath, path);
    return { result, sm3: tap.sm3, bytes: tap.bytes };
  } catch (err) {
    tap.destroy();
    await written.catch(() => {});
    await rm(partPath, { force: true });
    throw err;
  }
}
