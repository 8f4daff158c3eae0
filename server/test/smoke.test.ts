import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './harness.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

describe('operations endpoints', () => {
  it('answers /healthz and /readyz with the migrations applied', async () => {
    const anon = t.anonymous();
    expect((await anon.get('/healthz')).body).toEqual({ status: 'ok' });
    const ready = await anon.get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body.status).toBe('ready');
  });

  it('exposes Prometheus metrics', async () => {
    const res = await t.anonymous().get('/metrics');
    expect(res.status).toBe(200);
    expect(res.text).toContain('zhengtong_http_request_duration_seconds');
    expect(res.text).toContain('zhengtong_audit_unsealed_entries');
  });

  it('describes every API route with its permission in the OpenAPI document', async () => {
    const res = await t.anonymous().get('/api/docs/json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toMatch(/^3\./);
    const ops = Object.entries(res.body.paths as Record<string, Record<string, any>>).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({ path, method, op })),
    );
    const api = ops.filter((o) => o.path.startsWith('/api/') && !o.path.startsWith('/api/docs'));
    expect(api.length).toBeGreaterThan(25);
    for (const o of api) expect(o.op['x-permission'], `${o.method} ${o.path}`).toBeTruthy();
  });

  it('answers an unknown API path with problem+json 404', async () => {
    const res = await t.anonymous().get('/api/nothing-here');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body).toMatchObject({ status: 404, code: 'NOT_FOUND', messageZh: expect.any(String) });
  });
});

describe('client addresses', () => {
  it('ignores X-Forwarded-For unless a proxy is trusted, so nobody can forge the audited IP', async () => {
    const res = await t.anonymous().request('POST', '/api/auth/login', { username: 'nobody_here', password: 'x' }, { 'x-forwarded-for': '203.0.113.99' });
    expect(res.status).toBe(401);
    const entry = await t.database.db.selectFrom('audit.entry').select('ip').where('request_id', '=', String(res.headers['x-request-id'])).executeTakeFirstOrThrow();
    expect(entry.ip).not.toBe('203.0.113.99');
    expect(entry.ip).toBe('127.0.0.1');
  });
});
