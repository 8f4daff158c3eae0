import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, readFile, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { createFolderConnector } from '../../src/connectors/folder.ts';
import { ConnectorError, type Checkpoint } from '../../src/connectors/types.ts';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zt-folder-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('folder connector', () => {
  it('lists files after a checkpoint by modification time then name, oldest first, in pages', async () => {
    const src = join(dir, 'src');
    await mkdir(src);
    const t = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));
    // b and c share a time: the name breaks the tie, so a page boundary between them loses nothing.
    for (const [name, sec] of [['d.pdf', 3], ['c.pdf', 2], ['b.pdf', 2], ['a.pdf', 1], ['.hidden', 0], ['.x.pdf.partial', 0]] as const) {
      await writeFile(join(src, name), name);
      await utimes(join(src, name), t(sec), t(sec));
    }
    const folder = createFolderConnector({ path: src, minAgeMs: 0 });
    expect(await folder.test()).toEqual({ path: src });
    const seen: string[] = [];
    let after: Checkpoint | null = null;
    for (;;) {
      const page = await folder.listNew(after, 2);
      if (page.length === 0) break;
      seen.push(...page.map((f) => f.name));
      after = page[page.length - 1].checkpoint;
    }
    expect(seen).toEqual(['a.pdf', 'b.pdf', 'c.pdf', 'd.pdf']);
    const first = (await folder.listNew(null, 1))[0];
    expect(first).toEqual({ name: 'a.pdf', path: join(src, 'a.pdf'), bytes: 5, checkpoint: [String(t(1).getTime()), 'a.pdf'] });
    // A file arriving later (newer time) is listed next; a file still being written is left alone.
    await writeFile(join(src, 'e.pdf'), 'e');
    // mtimes have fractions of a millisecond: within the same millisecond as the write, even
    // minAgeMs 0 finds the file "newer than now" (a CI run once did).
    await new Promise((r) => setTimeout(r, 5));
    expect((await folder.listNew(after, 10)).map((f) => f.name)).toEqual(['e.pdf']);
    expect(await createFolderConnector({ path: src, minAgeMs: 60_000 }).listNew(after, 10)).toEqual([]);

    const missing = await createFolderConnector({ path: join(dir, 'nope') }).test().catch((e) => e);
    expect(missing).toBeInstanceOf(ConnectorError);
    expect(missing.code).toBe('CONNECTION_FAILED');
  });

  it('hands out a folder one file at a time from one scan; a file removed or changed meanwhile is dropped, the changed one comes again', async () => {
    const src = join(dir, 'many');
    await mkdir(src);
    const t = (s: number) => new Date(Date.UTC(2026, 0, 2, 0, 0, s));
    const names = Array.from({ length: 30 }, (_, i) => `scan-${String(i + 1).padStart(2, '0')}.pdf`);
    for (const [i, name] of names.entries()) {
      await writeFile(join(src, name), name);
      await utimes(join(src, name), t(i + 1), t(i + 1));
    }
    const folder = createFolderConnector({ path: src, minAgeMs: 0 });
    const [first] = await folder.listNew(null, 1);
    expect(first.name).toBe('scan-01.pdf');
    await rm(join(src, 'scan-02.pdf'));
    await writeFile(join(src, 'scan-03.pdf'), 'changed, and longer than before');
    await new Promise((r) => setTimeout(r, 5));
    const seen: string[] = [];
    let after: Checkpoint = first.checkpoint;
    for (;;) {
      const [next] = await folder.listNew(after, 1);
      if (!next) break;
      seen.push(next.name);
      if (next.name === 'scan-03.pdf') expect(next.bytes).toBe(31);
      after = next.checkpoint;
    }
    expect(seen).toEqual([...names.slice(3), 'scan-03.pdf']);
  });

  it('writes through a partial file renamed into place, replaces by name, and refuses unsafe names', async () => {
    const dst = join(dir, 'dst');
    await mkdir(dst);
    const folder = createFolderConnector({ path: dst });
    const big = Buffer.alloc(3 * 1024 * 1024, 7);
    expect(await folder.write('licence-0001.pdf', Readable.from([big.subarray(0, 1_000_000), big.subarray(1_000_000)]))).toEqual({ bytes: big.length });
    expect((await readFile(join(dst, 'licence-0001.pdf'))).equals(big)).toBe(true);
    expect(await folder.write('licence-0001.pdf', Readable.from([Buffer.from('v2')]))).toEqual({ bytes: 2 });
    expect(await readFile(join(dst, 'licence-0001.pdf'), 'utf8')).toBe('v2');
    expect(await readdir(dst)).toEqual(['licence-0001.pdf']);

    for (const name of ['../escape.pdf', 'a/b.pdf', '..', '.', '', '.hidden', 'a\\b', 'x\0y']) {
      const err = await folder.write(name, Readable.from([Buffer.from('x')])).catch((e) => e);
      expect(err, name).toBeInstanceOf(ConnectorError);
    }
    // A body that fails midway leaves neither the file nor its partial behind.
    const failing = new Readable({ read() { this.push(Buffer.from('part')); this.destroy(new Error('network gone')); } });
    const err = await folder.write('broken.pdf', failing).catch((e) => e);
    expect(err).toBeInstanceOf(ConnectorError);
    expect(await readdir(dst)).toEqual(['licence-0001.pdf']);
  });
});
