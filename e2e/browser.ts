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

/** Picks an option of an antd Select by typing part of its label. */
export async function choose(page: Page, id: string, text: string) {
  await byTestId(page, id).click();
  await page.keyboard.type(text);
  await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: text }).first().click();
}

/**
 * Waits until no dialog or drawer is still animating in or out: a click during antd's opening
 * zoom can land on nothing, which makes tests flaky on a loaded machine.
 */
export async function settled(page: Page) {
  // A string, evaluated in the page: this file is type-checked without the DOM library.
  await page.waitForFunction(`!document.querySelector('[class*="-zoom-appear"], [class*="-zoom-enter"], [class*="-zoom-leave"], [class*="-fade-appear"], [class*="-fade-enter"], [class*="-fade-leave"]')`);
}
