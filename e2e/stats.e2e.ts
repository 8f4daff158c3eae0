import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { entryContent } from '../server/test/catalog/helpers.ts';
import { byTestId, fill, loginAs } from './browser.ts';
import { launchChromium, startServer, type RunningServer } from './server.ts';

/**
 * Sharing statistics in a real browser: a provider's entries, a conditional request and a
 * dispute are made through the API; the Nanchang sharing authority reads 统计分析, records a
 * failing in the form and downloads a yearly report; the provider finds its to-dos on 工作台.
 */
let server: RunningServer;
let browser: Browser;
let amr: string;
let requestId: string;

type Call = (method: string, path: string, body?: unknown) => Promise<any>;

async function session(username: string): Promise<Call> {
  const login = await fetch(`${server.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: 'Zhengtong@2026' }),
  });
  const cookie = login.headers.get('set-cookie')!.split(';')[0];
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  return async (method, path, body) => {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: { cookie, 'x-csrf-token': csrfToken, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : null;
  };
}

beforeAll(async () => {
  server = await startServer();
  browser = await launchChromium();
  const officer = await session('nc_officer');
  const authority = await session('nc_authority');
  const consumer = await session('ncsp_officer');
  const publish = async (overrides: Record<string, unknown>) => {
    const { id } = await officer('POST', '/api/catalog/resources', { content: entryContent(overrides) });
    await officer('POST', `/api/catalog/resources/${id}/submit`);
    await authority('POST', `/api/catalog/resources/${id}/review`, { decision: 'approve' });
    return id as string;
  };
  const open = await publish({ name: '企业登记基本信息（统计测试）' });
  const conditional = await publish({ name: '企业法定代表人信息（统计测试）', share: { type: 'conditional', conditions: '仅限审批用途', legalBasis: '《企业信息公示暂行条例》', modes: ['query'] } });
  amr = (await officer('GET', '/api/auth/me')).departmentId;
  const year = new Date().getFullYear();
  await consumer('POST', '/api/sharing/grants', { resourceId: open, purpose: '企业登记核验', fields: ['uscc', 'name'] });
  ({ id: requestId } = await consumer('POST', '/api/sharing/requests', { resourceId: conditional, purpose: '审批核验', dutyBasis: '《行政许可法》', scopeOfUse: '本局审批', validFrom: `${year}-01-01`, validTo: `${year}-12-31` }));
  await consumer('POST', '/api/sharing/disputes', { resourceId: open, recordKey: '91360100MA35XXXX1A', field: 'name', issue: '名称与执照不一致', evidence: '营业执照' });
  await authority('POST', '/api/catalog/update-duties', { departmentId: amr, reason: 'law', basis: '《江西省公共数据管理办法》修订' });
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('sharing statistics', () => {
  let page: Page;

  it('the authority sees the departments of Nanchang with their figures and charts', async () => {
    page = await loginAs(browser, server.url, 'nc_authority');
    await byTestId(page, 'nav-stats').click();
    await byTestId(page, 'page-stats').waitFor();
    const row = page.locator(`[data-testid="stats-row"][data-id="${amr}"]`);
    await row.waitFor({ timeout: 15_000 });
    expect(await row.innerText()).toContain('南昌市市场监督管理局');
    expect(await page.locator('[data-testid="stats-row"]').count()).toBeGreaterThan(1);
    expect((await byTestId(page, 'stats-kpi-requests').innerText()).split('\n').pop()).toBe('1');
    for (const chart of ['stats-chart-requests', 'stats-chart-catalog', 'stats-chart-failings']) await byTestId(page, chart).waitFor();
    expect(await byTestId(page, 'stats-chart-requests').locator('canvas').count()).toBe(1);
  });

  it('downloads the yearly report of a department', async () => {
    const download = page.waitForEvent('download');
    await page.locator(`[data-testid="stats-row"][data-id="${amr}"] [data-testid="stats-download"]`).click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/年度共享情况报告-南昌市市场监督管理局\.xlsx$/);
  });

  it('records a failing in the form; the department is flagged', async () => {
    await byTestId(page, 'stats-tab-failings').click();
    await byTestId(page, 'failing-record').click();
    await byTestId(page, 'failing-department').click();
    await page.keyboard.type('南昌市市场监督');
    await page.locator('[data-testid="department-option"]', { hasText: '南昌市市场监督管理局' }).first().click();
    await byTestId(page, 'failing-kind').click();
    await page.locator('.ant-select-item-option', { hasText: '违规使用' }).click();
    await fill(page, 'failing-description', '将共享的企业登记信息用于招商宣传');
    await fill(page, 'failing-evidence', '市审计局审计报告第 12 号');
    await byTestId(page, 'failing-submit').click();
    await page.locator('[data-testid="failing-row"][data-kind="misuse"]').waitFor({ timeout: 15_000 });
    await byTestId(page, 'stats-tab-overview').click();
    await page.locator(`[data-testid="stats-row"][data-id="${amr}"][data-flagged="true"]`).waitFor({ timeout: 15_000 });
  });

  it('the provider finds its update duty, the request and the dispute on 工作台', async () => {
    const officer = await loginAs(browser, server.url, 'nc_officer');
    await byTestId(officer, 'todo-card').waitFor();
    for (const kind of ['update-duties', 'requests', 'disputes']) {
      await officer.locator(`[data-testid="todo-row"][data-kind="${kind}"]`).first().waitFor({ timeout: 15_000 });
    }
    await officer.locator(`[data-testid="todo-row"][data-id="${requestId}"] [data-testid="todo-link"]`).click();
    expect(new URL(officer.url()).pathname).toBe(`/sharing/requests/${requestId}`);
  });
});
