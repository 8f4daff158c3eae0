// A folder of files (licences, scans) as a source and a target. The source hands out files in
// (modification time, name) order after a checkpoint; the target never shows a half-written
// file: it writes `.<name>.partial`, syncs it, and renames it into place.
import { createWriteStream } from 'node:fs';
import { open, readdir, rename, stat, unlink, access, constants } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ConnectorError, type Checkpoint, type FolderConnector } from './types.ts';

export interface FolderConnectorOptions {
  path: string;
  /**
   * Files modified less than this long ago are left for a later run: a file still being copied
   * in would otherwise travel half-written. 0 in tests.
   */
  minAgeMs?: number;
}

const MAX_NAME_BYTES = 255;

/** A file name that stays inside the folder: no separators, no `.`/`..`, no hidden or partial names. */
export function checkFileName(name: string): void {
  const bad =
    typeof name !== 'string' || name === '' || name.includes('/') || name.includes('\\') || name.includes('\0') ||
    name.startsWith('.') || name.includes('..') || Buffer.byteLength(name) > MAX_NAME_BYTES;
  if (bad) {
    throw new ConnectorError('TARGET_APPLY_FAILED', `refused file name ${JSON.stringify(name)}: it must be a plain name without "/", "\\", ".." or a leading "." / 文件名不合法`);
  }
}

export function createFolderConnector(opts: FolderConnectorOptions): FolderConnector {
  const dir = opts.path;
  const minAgeMs = opts.minAgeMs ?? 1000;

  async function checkDir(mode: number): Promise<void> {
    try {
      const s = await stat(dir);
      if (!s.isDirectory()) throw new Error('not a directory');
      await access(dir, mode);
    } catch (err) {
      throw new ConnectorError('CONNECTION_FAILED', `folder ${dir} cannot be used: ${(err as Error).message} / 文件夹不可用`, { cause: err, retryable: true });
    }
  }

  return {
    kind: 'folder',

    async test() {
      await checkDir(constants.R_OK);
      return { path: dir };
    },

    async listNew(after: Checkpoint | null, limit: number) {
      await checkDir(constants.R_OK);
      if (after !== null && (after.length !== 2 || after[0] === null || after[1] === null || !Number.isFinite(Number(after[0])))) {
        throw new ConnectorError('SOURCE_QUERY_FAILED', `folder checkpoint ${JSON.stringify(after)} is not [modification time, name]`);
      }
      const afterTime = after ? Number(after[0]) : -Infinity;
      const afterName = after ? after[1]! : '';
      const newest = Date.now() - minAgeMs;
      const entries = await readdir(dir, { withFileTypes: true });
      const files: { name: string; path: string; bytes: number; mtimeMs: number }[] = [];
      for (const e of entries) {
        if (!e.isFile() || e.name.startsWith('.')) continue;
        const path = join(dir, e.name);
        let s;
        try {
          s = await stat(path);
        } catch {
          continue; // removed since readdir
        }
        if (s.mtimeMs > newest) continue;
        if (s.mtimeMs < afterTime || (s.mtimeMs === afterTime && e.name <= afterName)) continue;
        files.push({ name: e.name, path, bytes: s.size, mtimeMs: s.mtimeMs });
      }
      files.sort((a, b) => a.mtimeMs - b.mtimeMs || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      // String(number) round-trips a double exactly, so the checkpoint compares back equal.
      return files.slice(0, Math.max(0, limit)).map((f) => ({ name: f.name, path: f.path, bytes: f.bytes, checkpoint: [String(f.mtimeMs), f.name] }));
    },

    async write(name: string, body: Readable) {
      checkFileName(name);
      await checkDir(constants.W_OK);
      const partial = join(dir, `.${name}.partial`);
      const ws = createWriteStream(partial, { flush: true });
      try {
        await pipeline(body, ws);
        await rename(partial, join(dir, name));
      } catch (err) {
        await unlink(partial).catch(() => {});
        throw err instanceof ConnectorError ? err : new ConnectorError('TARGET_APPLY_FAILED', `writing ${name} into ${dir} failed: ${(err as Error).message}`, { cause: err });
      }
      // The rename is durable only once the directory itself is synced.
      const d = await open(dir, 'r');
      try {
        await d.sync();
      } finally {
        await d.close();
      }
      return { bytes: ws.bytesWritten };
    },

    async close() {},
  };
}
