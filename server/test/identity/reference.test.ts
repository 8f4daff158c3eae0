import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../harness.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

describe('reference lists', () => {
  it('lists the roles with Chinese and English names and their permissions', async () => {
    const officer = await t.login('nc_officer');
    const res = await officer.get('/api/roles');
    expect(res.status).toBe(200);
    const roles = Object.fromEntries(res.body.items.map((r: { role: string }) => [r.role, r]));
    expect(Object.keys(roles).sort()).toEqual(['approver', 'auditor', 'data_officer', 'department_admin', 'exchange_agent', 'platform_admin', 'sharing_authority', 'supervisor', 'window_staff']);
    expect(roles.data_officer).toMatchObject({ zh: '数据专员', en: 'Data officer' });
    expect(roles.supervisor.zh).toBe('监察员');
    expect(roles.auditor.permissions).toContain('audit.verify');
    expect(roles.department_admin.permissions).not.toContain('audit.verify');
    expect(roles.department_admin.permissions).toContain('org.user.manage');
    expect(roles.sharing_authority).toMatchObject({ zh: '共享主管部门审核员' });
    expect(roles.sharing_authority.permissions).toContain('catalog.review');
    expect(roles.data_officer.permissions).toContain('catalog.manage');
    expect(roles.data_officer.permissions).not.toContain('catalog.review');
  });

  it('lists the department kinds', async () => {
    const officer = await t.login('nc_officer');
    const res = await officer.get('/api/department-kinds');
    expect(res.status).toBe(200);
    const kinds = Object.fromEntries(res.body.items.map((k: { kind: string; zh: string }) => [k.kind, k.zh]));
    expect(kinds).toMatchObject({ development_reform: '发展改革', public_security: '公安', market_regulation: '市场监管', audit: '审计', supervision: '监察' });
  });
});

describe('every API route checks who is calling', () => {
  it('answers an anonymous call to every non-public route with 401 problem+json', async () => {
    const anon = t.anonymous();
    const doc = (await anon.get('/api/docs/json')).body as { paths: Record<string, Record<string, { 'x-permission'?: string }>> };
    let checked = 0;
    for (const [path, methods] of Object.entries(doc.paths)) {
      if (!path.startsWith('/api/') || path.startsWith('/api/docs')) continue;
      for (const [method, op] of Object.entries(methods)) {
        if (op['x-permission'] === 'public') continue;
        const url = path
          .replace('{id}', '00000000-0000-4000-8000-000000000000')
          .replace('{code}', '360000')
          .replace('{year}', '2025')
          .replace('{month}', '1');
        const res = await anon.request(method.toUpperCase(), url, method === 'get' || method === 'delete' ? undefined : {});
        expect(res.status, `${method.toUpperCase()} ${path}`).toBe(401);
        expect(res.body.code, `${method.toUpperCase()} ${path}`).toBe('AUTH_REQUIRED');
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(30);
  });
});
