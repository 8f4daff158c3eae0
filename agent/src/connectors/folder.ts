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
/** Files kept from one scan, and how long they are trusted (see `cache` below). */
const CACHE_MAX = 10_000;
const CACHE_MS = 60_000;

interface Position {
  mtimeMs: number;
  name: string;
}
interface Entry extends Position {
  path: string;
  bytes: number;
}

/** (modification time, name) order: the order files travel in and checkpoints compare by. */
function before(a: Position, b: Position): boolean {
  return a.mtimeMs < b.mtimeMs || (a.mtimeMs === b.mtimeMs && a.name < b.name);
}

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

  /**
   * The files after the last scan's checkpoint, in order: a task sends one file per batch, and
   * listing a folder of 10,000 scans for each of them would cost 10,000 × 10,000 stats. The cache
   * is used while it holds enough files after the asked position and is under a minute old; a
   * file that arrives meanwhile has a newer time than every cached one, so it comes after them
   * either way, at the next scan.
   */
  let cache: { from: Position; at: number; files: Entry[]; complete: boolean } | null = null;

  async function fromCache(from: Position, wanted: number): Promise<Entry[] | null> {
    if (!cache || Date.now() - cache.at > CACHE_MS || before(from, cache.from)) return null;
    const c = cache;
    c.files = c.files.filter((f) => before(from, f));
    const out: Entry[] = [];
    const gone = new Set<Entry>();
    for (let i = 0; i < c.files.length && out.length < wanted; i++) {
      const f = c.files[i];
      // Removed or changed since the scan: dropped here; a changed file comes again, with its new time.
      const s = await stat(f.path).catch(() => null);
      if (s && s.isFile() && s.mtimeMs === f.mtimeMs) out.push({ ...f, bytes: s.size });
      else gone.add(f);
    }
    if (gone.size > 0) c.files = c.files.filter((f) => !gone.has(f));
    if (out.length === 0 || (out.length < wanted && !c.complete)) return null;
    return out;
  }

  async function scan(from: Position): Promise<Entry[]> {
    const newest = Date.now() - minAgeMs;
    const entries = await readdir(dir, { withFileTypes: true });
    const files: Entry[] = [];
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
      const f = { name: e.name, path, bytes: s.size, mtimeMs: s.mtimeMs };
      if (before(from, f)) files.push(f);
    }
    return files.sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0));
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
      const from: Position = after ? { mtimeMs: Number(after[0]), name: after[1]! } : { mtimeMs: -Infinity, name: '' };
      const wanted = Math.max(0, limit);
      let files = await fromCache(from, wanted);
      if (!files) {
        const scanned = await scan(from);
        cache = { from, at: Date.now(), files: scanned.slice(0, CACHE_MAX), complete: scanned.length <= CACHE_MAX };
        files = scanned.slice(0, wanted);
      }
      // String(number) round-trips a double exactly, so the checkpoint compares back equal.
      return files.map((f) => ({ name: f.name, path: f.path, bytes: f.bytes, checkpoint: [String(f.mtimeMs), f.name] }));
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
