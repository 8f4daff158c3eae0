// The worker thread that holds the agent's PGlite state database (see state-db.ts for why).
// It answers one message at a time: { id, op: 'query' | 'exec' | 'close', sql?, params? }.
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';

type Request = { id: number; op: 'query' | 'exec' | 'close'; sql?: string; params?: unknown[] };

const port = parentPort!;
const errorOf = (err: unknown) => ({ message: (err as Error)?.message ?? String(err), code: (err as { code?: string })?.code });

let db: PGlite;
try {
  db = await PGlite.create((workerData as { dataDir: string }).dataDir);
  port.postMessage({ id: 0, ready: true });
} catch (err) {
  port.postMessage({ id: 0, error: errorOf(err) });
  process.exit(1);
}

port.on('message', async (req: Request) => {
  try {
    if (req.op === 'query') {
      const r = await db.query(req.sql!, req.params ?? []);
      port.postMessage({ id: req.id, rows: r.rows, affectedRows: r.affectedRows ?? 0 });
    } else if (req.op === 'exec') {
      await db.exec(req.sql!);
      port.postMessage({ id: req.id, rows: [] });
    } else {
      await db.close();
      port.postMessage({ id: req.id, rows: [] });
      port.close();
    }
  } catch (err) {
    port.postMessage({ id: req.id, error: errorOf(err) });
  }
});
