import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open as openFile, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { BODY_CHUNK_BYTES, Sm3Tap } from '../../kernel/crypto/index.ts';
import { pipeline } from 'node:stream/promises';

/**
 * The center's file store for batch bodies, content-addressed by SM3 (ADR 0008): a body is
 * streamed to a temporary file while it is hashed, and only a body whose hash matches what its
 * sender signed is moved into place. Nothing is held in memory, whatever the size.
 */
export class BatchStore {
  readonly root: string;
  constructor(root: string) {
    this.root = root;
  }

  pathOf(sm3: string) {
    return join(this.root, 'blobs', sm3.slice(0, 2), sm3);
  }

  /** Streams `body` to a temporary file; returns its SM3, size and the file to commit or discard. */
  async receive(body: Readable, maxBytes: number): Promise<{ sm3: string; bytes: number; tmp: string }> {
    await mkdir(join(this.root, 'tmp'), { recursive: true });
    const tmp = join(this.root, 'tmp', randomUUID());
    const meter = new Sm3Tap({ maxBytes });
    try {
      await pipeline(body, meter, createWriteStream(tmp, { flags: 'wx' }));
    } catch (e) {
      await rm(tmp, { force: true });
      throw e;
    }
    return { sm3: meter.sm3, bytes: meter.bytes, tmp };
  }

  /**
   * Moves a received file into place; the same content stored twice is one file. The file and its
   * directory reach the disk before the caller records the batch, so a power cut after the commit
   * never leaves a batch without its body.
   */
  async commit(tmp: string, sm3: string) {
    const dir = join(this.root, 'blobs', sm3.slice(0, 2));
    await mkdir(dir, { recursive: true });
    await fsync(tmp);
    await rename(tmp, this.pathOf(sm3));
    await fsync(dir);
  }

  /**
   * Removes bodies a killed process left half-received. Only files untouched for an hour: an
   * upload still streaming (in this or another center process sharing the store) keeps writing.
   */
  async sweepTemporary(now: Date, idleMs = 3600_000) {
    const dir = join(this.root, 'tmp');
    let removed = 0;
    for (const name of await readdir(dir).catch(() => [] as string[])) {
      const path = join(dir, name);
      const st = await stat(path).catch(() => null);
      if (st && now.getTime() - st.mtimeMs > idleMs) {
        await rm(path, { force: true });
        removed++;
      }
    }
    return removed;
  }

  async discard(tmp: string) {
    await rm(tmp, { force: true });
  }

  async size(sm3: string): Promise<number | null> {
    try {
      return (await stat(this.pathOf(sm3))).size;
    } catch {
      return null;
    }
  }

  open(sm3: string): Readable {
    return createReadStream(this.pathOf(sm3), { highWaterMark: BODY_CHUNK_BYTES });
  }

  async remove(sm3: string) {
    await rm(this.pathOf(sm3), { force: true });
  }
}

async function fsync(path: string) {
  const handle = await openFile(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
