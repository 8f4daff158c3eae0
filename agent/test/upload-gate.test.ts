// The agent's tasks share its upload slots: the highest priority waiting goes first (9 … 1), equal
// priorities in arrival order, and a waiter that gives up (shutdown) leaves the queue.
import { describe, expect, it } from 'vitest';
import { UploadGate } from '../src/engine/upload-gate.ts';

describe('upload gate', () => {
  it('grants free slots at once, then the highest priority waiting first, equal ones in arrival order', async () => {
    const gate = new UploadGate(2);
    const a = await gate.acquire(1);
    const b = await gate.acquire(5);
    const order: string[] = [];
    const wait = (name: string, priority: number) => gate.acquire(priority).then((release) => { order.push(name); return release; });
    const low = wait('low 2', 2);
    const high = wait('high 9', 9);
    const mid1 = wait('mid 5 first', 5);
    const mid2 = wait('mid 5 second', 5);
    expect(gate.waiting).toBe(4);
    await Promise.resolve();
    expect(order).toEqual([]);
    a();
    a(); // a second call gives nothing back twice
    (await high)();
    b();
    (await mid1)();
    (await mid2)();
    (await low)();
    expect(order).toEqual(['high 9', 'mid 5 first', 'mid 5 second', 'low 2']);
    expect(gate.waiting).toBe(0);
    // Both slots are free again.
    const c = await gate.acquire(1);
    const d = await gate.acquire(1);
    c();
    d();
  });

  it('a waiter aborted at shutdown leaves the queue and the slot goes to the next', async () => {
    const gate = new UploadGate(1);
    const held = await gate.acquire(5);
    const ac = new AbortController();
    const gone = gate.acquire(9, ac.signal);
    const next = gate.acquire(1);
    ac.abort();
    await expect(gone).rejects.toThrow();
    expect(gate.waiting).toBe(1);
    held();
    const release = await next;
    release();
    expect(gate.waiting).toBe(0);
  });
});
