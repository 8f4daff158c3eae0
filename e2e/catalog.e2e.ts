import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { byTestId, choose, fill, loginAs as login } from './browser.ts';
import { launchChromium, startServer, type RunningServer } from './server.ts';

/**
 * The catalog journey in a real browser: a data officer catalogues a resource with one field and
 * submits it; the sharing authority publishes it from the review queue; it is then published, and
 * another department finds it by keyword and sees the link to apply for it.
 */
let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  server = await startServer();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const stamp = Date.now().toString().slice(-6);
const name = `企业年度报告公示信息${stamp}`;
let code = '';
let resourceUrl = '';

const loginAs = (username: string): Promise<Page> => login(browser, server.url, username);

describe('catalog journey', () => {
  it('a data officer catalogues a resource with one field and submits it', async () => {
    const page = await loginAs('nc_officer');
    await byTestId(page, 'nav-catalog-mine').click();
    await byTestId(page, 'page-catalog-mine').waitFor();
    await byTestId(page, 'catalog-create').click();
    await byTestId(page, 'page-catalog-editor').waitFor();
    await fill(page, 'entry-name', name);
    await fill(page, 'entry-summary', '南昌市企业年度报告的公示信息，包括资产状况、从业人数和联系方式。');
    await choose(page, 'entry-classification', '信用体系');
    await choose(page, 'entry-format', '数据库');
    await choose(page, 'entry-update-cycle', '每年');
    await choose(page, 'entry-share-type', '无条件共享');
    await byTestId(page, 'entry-field-add').click();
    await fill(page, 'entry-field-name-0', '统一社会信用代码');
    await choose(page, 'entry-field-type-0', '字符型');
    await byTestId(page, 'entry-submit').click();
    await byTestId(page, 'entry-status').waitFor({ timeout: 30_000 });
    await expect(byTestId(page, 'entry-status').getAttribute('data-status')).resolves.toBe('submitted');
    code = (await byTestId(page, 'entry-code').textContent())!.trim();
    expect(code).toMatch(/^207000000\/\d{6}$/);
    resourceUrl = page.url();
    await page.context().close();
  });

  it('the sharing authority publishes it from the review queue', async () => {
    const page = await loginAs('nc_authority');
    await byTestId(page, 'nav-catalog-review').click();
    await byTestId(page, 'page-catalog-review').waitFor();
    const row = byTestId(page, `review-row-${code}`);
    await row.waitFor({ timeout: 15_000 });
    await expect(row.textContent()).resolves.toContain(name);
    await row.locator('[data-testid="review-open"]').click();
    await fill(page, 'review-reason', '分类准确，予以发布');
    await byTestId(page, 'review-publish').click();
    await row.waitFor({ state: 'detached', timeout: 15_000 });
    await page.goto(resourceUrl);
    await byTestId(page, 'page-catalog-detail').waitFor();
    await expect(byTestId(page, 'entry-status').getAttribute('data-status')).resolves.toBe('published');
    await page.context().close();
  });

  it('another department finds it published and may apply for it', async () => {
    const page = await loginAs('ncsp_officer');
    await byTestId(page, 'nav-catalog').click();
    await byTestId(page, 'page-catalog').waitFor();
    // The classification tree filters the list: 信用体系 holds the new entry, 健康保障 does not.
    await byTestId(page, 'catalog-tree-node-c:201').click();
    await byTestId(page, `catalog-row-${code}`).waitFor({ state: 'detached', timeout: 15_000 });
    await byTestId(page, 'catalog-tree-node-c:207').click();
    await byTestId(page, `catalog-row-${code}`).waitFor({ timeout: 15_000 });
    await byTestId(page, 'catalog-tree-node-c:207').click();
    // The aggregated view counts it for 南昌市.
    await byTestId(page, 'catalog-tab-aggregate').click();
    await byTestId(page, 'catalog-agg-total').waitFor();
    await byTestId(page, 'catalog-tab-browse').click();
    await fill(page, 'catalog-search-input', name);
    await byTestId(page, 'catalog-search-submit').click();
    await byTestId(page, `catalog-row-${code}`).waitFor({ timeout: 15_000 });
    await byTestId(page, `catalog-link-${code}`).click();
    await byTestId(page, 'page-catalog-detail').waitFor();
    await expect(byTestId(page, 'entry-status').getAttribute('data-status')).resolves.toBe('published');
    await expect(byTestId(page, 'catalog-apply').getAttribute('href')).resolves.toMatch(/^\/sharing\/apply\/[0-9a-f-]{36}$/);
    await page.context().close();
  });
});
