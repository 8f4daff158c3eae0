import type { Browser, Page } from 'playwright-core';

/** Small Playwright helpers shared by the browser tests: test ids, antd inputs, logging in. */
export const byTestId = (page: Page, id: string) => page.locator(`[data-testid="${id}"]`);

/** Fills an antd input or textarea whether the test id sits on the element or on its wrapper. */
export async function fill(page: Page, id: string, value: string) {
  const el = byTestId(page, id).first();
  const tag = await el.evaluate((n) => n.tagName);
  const input = tag === 'INPUT' || tag === 'TEXTAREA' ? el : el.locator('input, textarea').first();
  await input.fill(value);
}

/** Opens a fresh browser context and signs `username` in with the demo password. */
export async function loginAs(browser: Browser, baseUrl: string, username: string, password = 'Zhengtong@2026'): Promise<Page> {
  const context = await browser.newContext({ locale: 'zh-CN' });
  const page = await context.newPage();
  await page.goto(`${baseUrl}/login`);
  await fill(page, 'login-username', username);
  await fill(page, 'login-password', password);
  await byTestId(page, 'login-submit').click();
  await byTestId(page, 'page-home').waitFor({ timeout: 30_000 });
  return page;
}
