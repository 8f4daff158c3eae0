import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
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
    const hash = createHash('sm3');
    let bytes = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        bytes += chunk.length;
        if (bytes > maxBytes) return done(new Error(`body larger than ${maxBytes} bytes`));
        hash.update(chunk);
        done(null, chunk);
      },
    });
    try {
      await pipeline(body, meter, createWriteStream(tmp, { flags: 'wx' }));
    } catch (e) {
      await rm(tmp, { force: true });
      throw e;
    }
    return { sm3: hash.digest('hex'), bytes, tmp };
  }

  /** Moves a received file into place; the same content stored twice is one file. */
  async commit(tmp: string, sm3: string) {
    const dest = this.pathOf(sm3);
    await mkdir(join(this.root, 'blobs', sm3.slice(0, 2)), { recursive: true });
    await rename(tmp, dest);
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
    return createReadStream(this.pathOf(sm3));
  }

  async remove(sm3: string) {
    await rm(this.pathOf(sm3), { force: true });
  }
}
