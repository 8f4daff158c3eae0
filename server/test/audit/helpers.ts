import { expect } from 'vitest';
import type { Agent, TestApp } from '../harness.ts';
import { demoUscc } from '../harness.ts';

/** Sequence numbers the demo seed does not use (it uses 1–15), so every credit code is new. */
let seq = 500;

export function newDepartmentBody(divisionCode: string, name?: string) {
  const n = ++seq;
  return {
    name: name ?? `测试部门${n}`,
    uscc: demoUscc(divisionCode, n),
    divisionCode,
    kind: 'government_services',
  };
}

/** Creates a department through the API and insists it worked. */
export async function createDepartment(agent: Agent, divisionCode: string, name?: string) {
  const body = newDepartmentBody(divisionCode, name);
  const res = await agent.post('/api/departments', body);
  expect(res.status, res.text).toBe(201);
  return { body, res, id: res.body.id as string };
}

export async function countRows(t: TestApp, table: 'identity.department' | 'audit.entry' | 'audit.batch' | 'calendar.year'): Promise<number> {
  const row = await t.database.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * The audit entries written for one request. Refused and failed writes are recorded by an
 * onResponse hook, which may finish a moment after the response; wait for it (bounded).
 */
export async function entriesOfRequest(t: TestApp, requestId: string, expected = 1) {
  const deadline = Date.now() + 3000;
  for (;;) {
    const rows = await t.database.db.selectFrom('audit.entry').selectAll().where('request_id', '=', requestId).orderBy('id').execute();
    if (rows.length >= expected || Date.now() > deadline) return rows;
    await new Promise((r) => setTimeout(r, 20));
  }
}
