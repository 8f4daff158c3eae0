import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, auditEntries, type TestApp } from '../harness.ts';
import { NodeClient, exchangeCast, taskBody } from './helpers.ts';

/**
 * A target agent that holds more than one delivery at once (protocol §3, `window`): it fetches the
 * next batch while it applies the current one, still strictly in order; and hands back what it
 * will not apply now (`release`).
 */

let t: TestApp;
let cast: Awaited<ReturnType<typeof exchangeCast>>;
let src: NodeClient;
let dst: NodeClient;
let taskId: string;
const COLUMNS = ['uscc', 'name'];
type Item = { seq: number; deliveryId: string };
const ids = new Map<number, string>();

const poll = async (query = 'window=2') => {
  const res = await dst.call('GET', `/api/exchange/agent/deliveries?wait=0&${query}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  for (const d of res.body.items as Item[]) ids.set(d.seq, d.deliveryId);
  return (res.body.items as Item[]).map((d) => d.seq);
};
const statusOf = async (seq: number) =>
  (await t.database.db.selectFrom('exchange.delivery').select('status').where('task_id', '=', taskId).where('seq', '=', String(seq)).executeTakeFirstOrThrow()).status;
const ack = (seq: number) => dst.call('POST', `/api/exchange/agent/deliveries/${ids.get(seq)}/ack`, { appliedRows: 1, alreadyApplied: false });

beforeAll(async () => {
  t = await createTestApp();
  t.clock.set(new Date('2026-03-02T10:00:00+08:00'));
  cast = await exchangeCast(t);
  src = new NodeClient(t);
  dst = new NodeClient(t);
  await src.enrol(cast.source.token);
  await dst.enrol(cast.target.token);
  const res = await cast.provider.post('/api/exchange/tasks', taskBody(cast));
  expect(res.status).toBe(201);
  taskId = res.body.id;
  for (const seq of [1, 2, 3]) expect((await src.upload(taskId, seq, `k${seq},v\n`, { columns: COLUMNS })).status).toBe(201);
});
afterAll(async () => t?.close());

describe('a delivery window', () => {
  it('leases up to the window per target, in order, and the next only after an acknowledgement', async () => {
    expect(await poll('window=1')).toEqual([1]);
    expect(await poll()).toEqual([2]); // 1 is held: with a window of 2 the one after it may go out
    expect(await poll()).toEqual([]);
    expect(await poll('window=1')).toEqual([]);
    expect((await ack(1)).status).toBe(204);
    expect(await poll()).toEqual([3]);
  });

  it('refuses a window beyond its bound', async () => {
    const res = await dst.call('GET', '/api/exchange/agent/deliveries?wait=0&window=5');
    expect(res.status).toBe(400);
  });

  it('hands back the later deliveries of a target when one fails, and holds them behind it', async () => {
    const failed = await dst.call('POST', `/api/exchange/agent/deliveries/${ids.get(2)}/fail`, { code: 'TARGET_TYPE_MISMATCH', message: 'column age', retryable: false });
    expect(failed.status).toBe(204);
    expect(await statusOf(3)).toBe('queued');
    const entry = (await auditEntries(t, 'exchange.delivery.fail')).at(-1)!;
    expect(entry.summary).toMatchObject({ handedBack: 1 });
    expect(await poll()).toEqual([]);
    expect((await cast.consumer.post(`/api/exchange/deliveries/${ids.get(2)}/retry`)).status).toBe(204);
    expect(await poll('window=2&limit=1')).toEqual([2]); // never 3 without 2
    expect(await poll()).toEqual([3]);
  });

  it('takes back what the agent hands back, with a pause when asked, and only its own', async () => {
    const one = await dst.call('POST', '/api/exchange/agent/deliveries/release', { deliveryIds: [ids.get(3)], reason: 'stopping' });
    expect(one.body).toEqual({ released: 1 });
    expect(await statusOf(3)).toBe('queued');
    const entry = (await auditEntries(t, 'exchange.delivery.release')).at(-1)!;
    expect(entry.summary).toMatchObject({ released: 1, reason: 'stopping' });
    expect(await poll()).toEqual([3]);

    const foreign = await src.call('POST', '/api/exchange/agent/deliveries/release', { all: true });
    expect(foreign.body).toEqual({ released: 0 });
    expect(await statusOf(2)).toBe('delivering');

    const all = await dst.call('POST', '/api/exchange/agent/deliveries/release', { all: true, retryAfterSeconds: 60 });
    expect(all.body).toEqual({ released: 2 });
    expect(await poll()).toEqual([]);
    t.clock.set(new Date(t.clock.now().getTime() + 61_000));
    expect(await poll()).toEqual([2, 3]);
    expect((await ack(2)).status).toBe(204);
    expect((await ack(3)).status).toBe(204);
    expect(await statusOf(3)).toBe('applied');
  });

  it('says what is wrong with a release that names nothing, and keeps users out', async () => {
    const empty = await dst.call('POST', '/api/exchange/agent/deliveries/release', {});
    expect(empty.status).toBe(400);
    expect(empty.headers['content-type']).toContain('application/problem+json');
    const user = await cast.consumer.post('/api/exchange/agent/deliveries/release', { all: true });
    expect(user.status).toBe(403);
  });
});
