// The wake-ups long polls wait on (deliveries, configuration, topic events): one that comes while
// a poll is still reading the database must end its wait at once, not after the poll's tick.
import { describe, expect, it } from 'vitest';
import { NodeWaker } from '../../src/modules/exchange/exchange.deps.ts';

const timed = async (p: Promise<void>) => {
  const t = performance.now();
  await p;
  return performance.now() - t;
};

describe('NodeWaker', () => {
  it('a wake-up between the mark and the wait ends the wait at once; without one the wait runs its time', async () => {
    const w = new NodeWaker();
    const mark = w.mark('node-a');
    w.wake('node-a'); // the poll was still reading the table
    expect(await timed(w.wait('node-a', 5000, undefined, mark))).toBeLessThan(50);
    // Another key's wake-up is not this one's.
    const markB = w.mark('node-b');
    w.wake('node-a');
    expect(await timed(w.wait('node-b', 200, undefined, markB))).toBeGreaterThanOrEqual(190);
    // Without a mark, only a wake-up during the wait counts (the old behaviour).
    expect(await timed(w.wait('node-a', 200))).toBeGreaterThanOrEqual(190);
  });

  it('configuration wake-ups are their own key, and a wake-up during the wait ends it', async () => {
    const w = new NodeWaker();
    const mark = w.mark('config:n1');
    w.wakeConfig(['n1', 'n1', 'n2']);
    expect(w.mark('config:n1')).toBe(mark + 1);
    expect(await timed(w.waitConfig('n1', 5000, undefined, mark))).toBeLessThan(50);
    const later = w.mark('config:n2');
    setTimeout(() => w.wakeConfig(['n2']), 50);
    expect(await timed(w.waitConfig('n2', 5000, undefined, later))).toBeLessThan(1000);
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50);
    expect(await timed(w.wait('node-x', 5000, ac.signal, w.mark('node-x')))).toBeLessThan(1000);
  });
});
