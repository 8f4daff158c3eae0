import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, startServer, type RunningServer } from './server.ts';

/**
 * The per-address sign-in throttle as a user meets it on the login page: after the failures the
 * server allows (two here), even the right password is refused with a message that says when to
 * try again.
 */
let server: RunningServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  server = await startServer({ LOGIN_IP_MAX_FAILURES: '2', LOGIN_IP_WINDOW_MINUTES: '15' });
  browser = await launchChromium();
  page = await browser.newPage({ locale: 'zh-CN' });
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const byTestId = (id: string) => page.locator(`[data-testid="${id}"]`);

async function fill(id: string, value: string) {
  const el = byTestId(id);
  const input = (await el.evaluate((n) => n.tagName)) === 'INPUT' ? el : el.locator('input').first();
  await input.fill(value);
}

/** Submits the form and waits for the server's answer, so the next attempt comes after it. */
async function signIn(username: string, password: string): Promise<number> {
  await fill('login-username', username);
  await fill('login-password', password);
  const answer = page.waitForResponse((r) => r.url().endsWith('/api/auth/login') && r.request().method() === 'POST');
  await byTestId('login-submit').click();
  return (await answer).status();
}

describe('login page under the sign-in throttle', () => {
  it('after two failed sign-ins from this address refuses the right password too, saying when to try again', async () => {
    await page.goto(`${server.url}/login`);
    expect(await signIn('auditor', 'Spring2026!')).toBe(401);
    await expect(byTestId('login-error').textContent()).resolves.toMatch(/密码/);
    expect(await signIn('nc_admin', 'Spring2026!')).toBe(401);
    expect(await signIn('admin', 'Zhengtong@2026')).toBe(429);
    await page.locator('[data-testid="login-error"]', { hasText: '失败次数过多' }).waitFor();
    await expect(byTestId('login-error').textContent()).resolves.toMatch(/15 分钟后再试/);
    expect(page.url()).toContain('/login');
  });
});
