import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { byTestId, choose, fill, loginAs } from './browser.ts';
import { launchChromium, startServer, type RunningServer } from './server.ts';

/**
 * Issue #3's journey, all in the console: 南昌市市场监管局's data officer catalogues a conditional
 * resource and submits it; 南昌市数据局 (the sharing authority) publishes it; 南昌市审批局 finds it by
 * a Chinese keyword (after checking the classification tree and the aggregated view) and applies;
 * the provider approves; the consumer sees its grant.
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

/** A loaded machine may take a while to answer. */
const SLOW = 60_000;
const stamp = Date.now().toString().slice(-6);
const name = `企业年度报告公示信息${stamp}`;
const purpose = `企业登记审批中核对年度报告${stamp}`;
let code = '';
let resourceUrl = '';


describe('catalogue, publish, find, apply, approve, grant', () => {
  it('the data officer catalogues a conditional resource and submits it', async () => {
    const page = await loginAs(browser, server.url, 'nc_officer');
    await byTestId(page, 'nav-catalog-mine').click();
    await byTestId(page, 'page-catalog-mine').waitFor();
    await byTestId(page, 'catalog-create').click();
    await byTestId(page, 'page-catalog-editor').waitFor();
    await fill(page, 'entry-name', name);
    await fill(page, 'entry-summary', '南昌市企业年度报告的公示信息，包括资产状况、从业人数和联系方式。');
    await choose(page, 'entry-classification', '信用体系');
    await choose(page, 'entry-format', '数据库');
    await choose(page, 'entry-update-cycle', '每年');
    await choose(page, 'entry-share-type', '有条件共享');
    await fill(page, 'entry-share-conditions', '仅限企业登记和信用监管使用');
    await fill(page, 'entry-legal-basis', '《企业信息公示暂行条例》第八条');
    await byTestId(page, 'entry-field-add').click();
    await fill(page, 'entry-field-name-0', '统一社会信用代码');
    await choose(page, 'entry-field-type-0', '字符型');
    await byTestId(page, 'entry-submit').click();
    await byTestId(page, 'entry-status').waitFor({ timeout: SLOW });
    await expect(byTestId(page, 'entry-status').getAttribute('data-status')).resolves.toBe('submitted');
    code = (await byTestId(page, 'entry-code').textContent())!.trim();
    expect(code).toMatch(/^\d+\/\d{6}$/);
    resourceUrl = page.url();
    await page.context().close();
  });

  it('the sharing authority publishes it from its review queue', async () => {
    const page = await loginAs(browser, server.url, 'nc_authority');
    await byTestId(page, 'nav-catalog-review').click();
    await byTestId(page, 'page-catalog-review').waitFor();
    const row = byTestId(page, `review-row-${code}`);
    await row.waitFor({ timeout: SLOW });
    await row.locator('[data-testid="review-open"]').click();
    await fill(page, 'review-reason', '分类准确，予以发布');
    await byTestId(page, 'review-publish').click();
    await row.waitFor({ state: 'detached', timeout: SLOW });
    await page.goto(resourceUrl);
    await byTestId(page, 'page-catalog-detail').waitFor();
    await expect(byTestId(page, 'entry-status').getAttribute('data-status')).resolves.toBe('published');
    await page.context().close();
  });

  let consumer: Page;
  it('another department browses the tree and the aggregated view, finds it by a Chinese keyword and applies', async () => {
    consumer = await loginAs(browser, server.url, 'ncsp_officer');
    await byTestId(consumer, 'nav-catalog').click();
    await byTestId(consumer, 'page-catalog').waitFor();
    // The classification tree filters the list: 信用体系 holds the new entry, 健康保障 does not.
    await byTestId(consumer, 'catalog-tree-node-c:201').click();
    await byTestId(consumer, `catalog-row-${code}`).waitFor({ state: 'detached', timeout: SLOW });
    await byTestId(consumer, 'catalog-tree-node-c:207').click();
    await byTestId(consumer, `catalog-row-${code}`).waitFor({ timeout: SLOW });
    await byTestId(consumer, 'catalog-tree-node-c:207').click();
    // The aggregated view per level opens with its totals.
    await byTestId(consumer, 'catalog-tab-aggregate').click();
    await byTestId(consumer, 'catalog-agg-total').waitFor();
    await byTestId(consumer, 'catalog-tab-browse').click();
    await fill(consumer, 'catalog-search-input', '年度报告');
    await byTestId(consumer, 'catalog-search-submit').click();
    await byTestId(consumer, `catalog-row-${code}`).waitFor({ timeout: SLOW });
    await byTestId(consumer, `catalog-link-${code}`).click();
    await byTestId(consumer, 'page-catalog-detail').waitFor();
    await byTestId(consumer, 'catalog-apply').click();
    await byTestId(consumer, 'page-sharing-apply').waitFor({ timeout: SLOW });
    await expect(byTestId(consumer, 'apply-resource-name').textContent()).resolves.toBe(name);
    await fill(consumer, 'apply-purpose', purpose);
    await fill(consumer, 'apply-legal-basis', '《市场主体登记管理条例》第三十三条');
    await fill(consumer, 'apply-scope', '南昌市行政审批局企业登记窗口');
    await byTestId(consumer, 'apply-submit').click();
    await byTestId(consumer, 'page-sharing-request').waitFor({ timeout: SLOW });
    await expect(byTestId(consumer, 'request-status').getAttribute('data-status')).resolves.toBe('pending');
    await expect(byTestId(consumer, 'request-deadline').textContent()).resolves.toMatch(/\d{4}-\d{2}-\d{2}/);
  });

  it('the provider approves the request', async () => {
    const provider = await loginAs(browser, server.url, 'nc_officer');
    await byTestId(provider, 'nav-sharing-requests').click();
    await byTestId(provider, 'page-sharing-requests').waitFor();
    await byTestId(provider, 'requests-tab-incoming').click();
    const row = byTestId(provider, `request-row-${code}`);
    await row.waitFor({ timeout: SLOW });
    await row.locator('[data-testid="request-open"]').click();
    await byTestId(provider, 'page-sharing-request').waitFor();
    await byTestId(provider, 'request-approve').click();
    await byTestId(provider, 'request-approve-confirm').click();
    await provider.locator('[data-testid="request-status"][data-status="approved"]').waitFor({ timeout: SLOW });
    await provider.context().close();
  });

  it('the consumer sees its grant', async () => {
    await byTestId(consumer, 'nav-sharing-grants').click();
    await byTestId(consumer, 'page-sharing-grants').waitFor({ timeout: SLOW });
    const row = byTestId(consumer, `grant-row-${code}`);
    await row.waitFor({ timeout: SLOW });
    await expect(row.getAttribute('data-status')).resolves.toBe('active');
    await expect(row.textContent()).resolves.toContain(purpose);
  });
});
