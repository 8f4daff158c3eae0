import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { byTestId, fill, loginAs } from './browser.ts';
import { launchChromium, startServer, type RunningServer } from './server.ts';

/**
 * The sharing journey in a real browser against a real server: 南昌市市场监管局 catalogues a
 * conditional resource and 南昌市数据局 publishes it (over HTTP, in beforeAll); then in the console
 * 南昌市审批局 applies for it, 南昌市市场监管局 approves, and 南昌市审批局 finds its grant.
 */
let server: RunningServer;
let browser: Browser;
let consumer: Page;
let provider: Page;
let resourceId: string;
let resourceCode: string;

/** A loaded machine (parallel test runs) may take a while to answer. */
const SLOW = 60_000;
const stamp = Date.now().toString().slice(-6);
const resourceName = `企业法定代表人核验信息${stamp}`;

/** A user's HTTP session: cookie and CSRF token, as the console holds them. */
async function apiLogin(username: string) {
  const res = await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: 'Zhengtong@2026' }) });
  if (!res.ok) throw new Error(`login ${username}: ${res.status} ${await res.text()}`);
  const cookie = res.headers.get('set-cookie')!.split(';')[0];
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  return async <T = Record<string, unknown>>(path: string, body?: unknown): Promise<T> => {
    const r = await fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { cookie, 'x-csrf-token': csrfToken, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!r.ok) throw new Error(`${path}: ${r.status} ${await r.text()}`);
    return (await r.json()) as T;
  };
}

beforeAll(async () => {
  server = await startServer();
  browser = await launchChromium();
  const officer = await apiLogin('nc_officer');
  const authority = await apiLogin('nc_authority');
  const created = await officer<{ id: string; code: string }>('/api/catalog/resources', {
    content: {
      classificationCode: '207',
      name: resourceName,
      providerUnit: '登记注册处',
      summary: '南昌市市场主体法定代表人的身份核验信息',
      format: { kind: 'database', detail: 'PostgreSQL 表' },
      fields: [
        { name: '统一社会信用代码', englishName: 'uscc', dataType: 'string', length: 18, personal: false, sensitive: false },
        { name: '企业名称', englishName: 'name', dataType: 'string', length: 200, personal: false, sensitive: false },
        { name: '法定代表人身份证号', englishName: 'legal_rep_id', dataType: 'string', length: 18, personal: true, sensitive: true },
      ],
      share: { type: 'conditional', conditions: '仅限行政审批中的身份核验', legalBasis: '《企业信息公示暂行条例》第十八条', modes: ['query'] },
      open: { type: 'closed' },
      updateCycle: 'daily',
      relatedResourceCodes: [],
    },
  });
  await officer(`/api/catalog/resources/${created.id}/submit`);
  const published = await authority<{ code: string; status: string }>(`/api/catalog/resources/${created.id}/review`, { decision: 'approve' });
  expect(published.status).toBe('published');
  resourceId = created.id;
  resourceCode = published.code;
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('sharing journey', () => {
  it('the consumer applies for the conditional resource and lands on its request, with the 10-working-day deadline', async () => {
    consumer = await loginAs(browser, server.url, 'ncsp_officer');
    await byTestId(consumer, 'notification-bell').waitFor();
    await consumer.goto(`${server.url}/sharing/apply/${resourceId}`);
    await byTestId(consumer, 'page-sharing-apply').waitFor({ timeout: SLOW });
    await expect(byTestId(consumer, 'apply-resource-name').textContent()).resolves.toBe(resourceName);
    await expect(byTestId(consumer, 'apply-share-type').getAttribute('data-status')).resolves.toBe('conditional');
    await fill(consumer, 'apply-purpose', '企业设立登记审批中核验法定代表人身份');
    await fill(consumer, 'apply-legal-basis', '《市场主体登记管理条例》第十七条');
    await fill(consumer, 'apply-scope', '南昌市行政审批局企业登记窗口，仅限审批人员查询');
    await byTestId(consumer, 'apply-submit').click();
    await byTestId(consumer, 'page-sharing-request').waitFor({ timeout: SLOW });
    await expect(byTestId(consumer, 'request-status').getAttribute('data-status')).resolves.toBe('pending');
    await expect(byTestId(consumer, 'request-deadline').textContent()).resolves.toMatch(/\d{4}-\d{2}-\d{2}.*剩 \d+ 个工作日/);
  });

  it('the request is listed under 我方申请', async () => {
    await byTestId(consumer, 'nav-sharing-requests').click();
    await byTestId(consumer, 'page-sharing-requests').waitFor({ timeout: SLOW });
    await byTestId(consumer, 'requests-tab-outgoing').click();
    await byTestId(consumer, `request-row-${resourceCode}`).waitFor({ timeout: SLOW });
    await expect(byTestId(consumer, `request-row-${resourceCode}`).getAttribute('data-status')).resolves.toBe('pending');
  });

  it('the provider finds it under 待我答复 and approves it', async () => {
    provider = await loginAs(browser, server.url, 'nc_officer');
    await byTestId(provider, 'nav-sharing-requests').click();
    await byTestId(provider, 'page-sharing-requests').waitFor();
    await byTestId(provider, 'requests-tab-incoming').click();
    const row = byTestId(provider, `request-row-${resourceCode}`);
    await row.waitFor({ timeout: SLOW });
    await row.locator('[data-testid="request-open"]').click();
    await byTestId(provider, 'page-sharing-request').waitFor();
    await byTestId(provider, 'request-approve').click();
    await byTestId(provider, 'request-approve-confirm').click();
    await provider.locator('[data-testid="request-status"][data-status="approved"]').waitFor({ timeout: SLOW });
    await expect(byTestId(provider, 'request-approve').count()).resolves.toBe(0);
  });

  it('the consumer sees its grant in force and is told in the bell', async () => {
    await byTestId(consumer, 'nav-sharing-grants').click();
    await byTestId(consumer, 'page-sharing-grants').waitFor({ timeout: SLOW });
    const row = byTestId(consumer, `grant-row-${resourceCode}`);
    await row.waitFor({ timeout: SLOW });
    await expect(row.getAttribute('data-status')).resolves.toBe('active');
    await expect(row.textContent()).resolves.toContain('企业设立登记审批中核验法定代表人身份');
    await consumer.locator('[data-testid="notification-bell"]:not([data-unread="0"])').waitFor({ timeout: SLOW });
    await byTestId(consumer, 'notification-bell').click();
    const notice = consumer.locator('[data-testid="notification-item"][data-kind="sharing.request.approved"]');
    await notice.first().waitFor();
    await notice.first().click();
    await byTestId(consumer, 'page-sharing-request').waitFor();
    await expect(byTestId(consumer, 'request-status').getAttribute('data-status')).resolves.toBe('approved');
  });
});
