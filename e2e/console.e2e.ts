import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { makeUscc } from '../server/src/kernel/ids/index.ts';
import { launchChromium, startServer, type RunningServer } from './server.ts';

/**
 * The foundation's user journey in a real browser against a real server: the platform admin logs
 * in, creates a department and a user in it, and finds both actions on the audit page.
 */
let server: RunningServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  server = await startServer();
  browser = await launchChromium();
  page = await browser.newPage({ locale: 'zh-CN' });
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const stamp = Date.now().toString().slice(-6);
const deptName = `南昌市数据资源测试中心${stamp}`;
const username = `e2e_user_${stamp}`;
const uscc = makeUscc(`11360100${String(30_000_000 + Number(stamp)).padStart(8, '0')}7`);

const byTestId = (id: string) => page.locator(`[data-testid="${id}"]`);

/** Fills an antd input whether the test id sits on the <input> or on its wrapper. */
async function fill(id: string, value: string) {
  const el = byTestId(id);
  const input = (await el.evaluate((n) => n.tagName)) === 'INPUT' ? el : el.locator('input').first();
  await input.fill(value);
}

describe('web console', () => {
  it('refuses a wrong password with a message', async () => {
    await page.goto(`${server.url}/login`);
    await fill('login-username', 'admin');
    await fill('login-password', 'wrong-password-1');
    await byTestId('login-submit').click();
    await expect(byTestId('login-error').textContent()).resolves.toMatch(/密码|password/i);
  });

  it('logs the platform admin in', async () => {
    await fill('login-password', 'Zhengtong@2026');
    await byTestId('login-submit').click();
    await byTestId('page-home').waitFor();
    await expect(page.locator('body').textContent()).resolves.toContain('平台管理员');
  });

  it('creates a department', async () => {
    await byTestId('nav-departments').click();
    await byTestId('page-departments').waitFor();
    await byTestId('dept-create').click();
    await fill('dept-form-name', deptName);
    await fill('dept-form-uscc', uscc);
    await byTestId('dept-form-kind').click();
    await page.keyboard.type('其他');
    await page.keyboard.press('Enter');
    await byTestId('dept-form-submit').click();
    await page.locator(`[data-testid="dept-row"][data-name="${deptName}"]`).waitFor({ timeout: 15_000 });
  });

  it('creates a user in that department', async () => {
    await byTestId('nav-users').click();
    await byTestId('page-users').waitFor();
    await byTestId('user-create').click();
    await fill('user-form-username', username);
    await fill('user-form-display-name', '端到端测试用户');
    await byTestId('user-form-department').click();
    await page.keyboard.type(deptName.slice(0, 8));
    await page.locator('[data-testid="department-option"]', { hasText: deptName }).first().click();
    await fill('user-form-initial-password', 'Initial#Pass2026');
    await byTestId('user-form-submit').click();
    await page.locator(`[data-testid="user-row"][data-username="${username}"]`).waitFor({ timeout: 15_000 });
  });

  it('finds both actions on the audit page', async () => {
    await byTestId('nav-audit').click();
    await byTestId('page-audit').waitFor();
    const dept = page.locator('[data-testid="audit-row"][data-action="identity.department.create"]', { hasText: deptName });
    const user = page.locator('[data-testid="audit-row"][data-action="identity.user.create"]', { hasText: username });
    await dept.first().waitFor({ timeout: 15_000 });
    await user.first().waitFor({ timeout: 15_000 });
    await expect(dept.first().textContent()).resolves.toContain('新建部门');
    await expect(user.first().textContent()).resolves.toContain('新建用户');
  });

  it('makes the new user replace the initial password at first login', async () => {
    const context = await browser.newContext({ locale: 'zh-CN' });
    const p = await context.newPage();
    await p.goto(`${server.url}/login`);
    const f = async (id: string, v: string) => {
      const el = p.locator(`[data-testid="${id}"]`);
      const input = (await el.evaluate((n) => n.tagName)) === 'INPUT' ? el : el.locator('input').first();
      await input.fill(v);
    };
    await f('login-username', username);
    await f('login-password', 'Initial#Pass2026');
    await p.locator('[data-testid="login-submit"]').click();
    await p.locator('[data-testid="forced-password-page"]').waitFor();
    await f('pwd-current', 'Initial#Pass2026');
    await f('pwd-new', 'MyOwn#Pass2026');
    await f('pwd-confirm', 'MyOwn#Pass2026');
    await p.locator('[data-testid="pwd-submit"]').click();
    await p.locator('[data-testid="page-home"]').waitFor({ timeout: 15_000 });
    await context.close();
  });
});
