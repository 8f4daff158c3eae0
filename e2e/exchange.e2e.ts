import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { entryContent } from '../server/test/catalog/helpers.ts';
import { byTestId, choose, fill, loginAs, settled } from './browser.ts';
import { E2eNode } from './exchange-agent.ts';
import { launchChromium, startServer, type RunningServer } from './server.ts';

/**
 * The exchange console in a real browser against a real server (issue #4): 南昌市数据局's admin
 * registers a front-end processor for 南昌市市场监督管理局 and one for 南昌市行政审批局 and sees
 * their one-time tokens; the nodes enrol and heartbeat with signed calls; 南昌市市场监管局's data
 * officer creates an exchange task in the form (first with a field the grant does not cover,
 * which the server refuses on the grant input), a batch fails at the target, the officer retries
 * it from 失败投递, and finds the batch's provenance on the task page and both nodes on the
 * topology.
 */
let server: RunningServer;
let browser: Browser;
let resourceId: string;
let grantId: string;
let provider: Call;

/** A loaded machine (parallel test runs) may take a while to answer. */
const SLOW = 60_000;
const stamp = Date.now().toString().slice(-6);
const resourceName = `企业登记基本信息${stamp}`;
const PURPOSE = '企业设立登记时核验企业名称和统一社会信用代码';
/** Screenshots for a person to look at (nothing compares them): E2E_SCREENSHOTS or a temporary folder. */
const SHOTS = process.env.E2E_SCREENSHOTS ?? join(tmpdir(), 'zt-e2e-screenshots');
const tokens: Record<string, string> = {};
let src: E2eNode;
let dst: E2eNode;
let taskId = '';

/**
 * Who fills in the task form. The provider's data officer (nc_officer) should, but the server lists
 * to a department-scoped user only its own department's nodes, so the consumer's node cannot be
 * picked as a target; the sharing authority (division scope, exchange.task.manage) sees both.
 * Switch back to 'nc_officer' once GET /api/exchange/nodes shows a provider the nodes of the
 * departments holding its grants.
 */
const TASK_CREATOR = process.env.E2E_TASK_CREATOR ?? 'nc_officer';

type Call = (method: string, path: string, body?: unknown) => Promise<any>;

async function session(username: string): Promise<Call> {
  const login = await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: 'Zhengtong@2026' }) });
  if (!login.ok) throw new Error(`login ${username}: ${login.status} ${await login.text()}`);
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

const shot = (page: Page, name: string) => page.screenshot({ path: join(SHOTS, `exchange-${name}.png`), fullPage: true });

/** The error antd shows under the form item holding the element with this test id. */
const fieldError = (page: Page, testId: string) => page.locator('.ant-form-item', { has: byTestId(page, testId) }).locator('.ant-form-item-explain');
/** Waits for the server's error to land under the input `testId` and checks its text. */
async function expectFieldError(page: Page, testId: string, text: string) {
  const error = fieldError(page, testId).first();
  await error.waitFor({ timeout: SLOW });
  await expect(error.textContent()).resolves.toContain(text);
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  server = await startServer();
  browser = await launchChromium();
  const officer = await session('nc_officer');
  provider = officer;
  const authority = await session('nc_authority');
  const consumer = await session('ncsp_officer');
  // Shared unconditionally by interface and exchange; legal_rep_id is conditional.
  const created = await officer('POST', '/api/catalog/resources', { content: entryContent({ name: resourceName }) });
  await officer('POST', `/api/catalog/resources/${created.id}/submit`);
  const published = await authority('POST', `/api/catalog/resources/${created.id}/review`, { decision: 'approve' });
  expect(published.status).toBe('published');
  resourceId = created.id;
  // 南昌市行政审批局 takes its unconditional grant itself: uscc and name, not the conditional legal_rep_id.
  grantId = (await consumer('POST', '/api/sharing/grants', { resourceId, purpose: PURPOSE, fields: ['uscc', 'name'] })).id;
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('exchange console', () => {
  it('the department admin registers a node per department and sees each one-time token once', async () => {
    const page = await loginAs(browser, server.url, 'nc_admin');
    await byTestId(page, 'nav-exchange-nodes').click();
    await byTestId(page, 'page-exchange-nodes').waitFor();
    for (const [code, name, dept] of [
      ['nc-amr-02', '南昌市市场监管局二号前置机', '南昌市市场监督管理局'],
      ['nc-approval-02', '南昌市行政审批局二号前置机', '南昌市行政审批局'],
    ]) {
      await byTestId(page, 'node-register').click();
      await choose(page, 'node-register-department', dept);
      await fill(page, 'node-register-code', code);
      await fill(page, 'node-register-name', name);
      await byTestId(page, 'node-register-submit').click();
      await byTestId(page, 'enrol-token-view').waitFor({ timeout: SLOW });
      const token = (await byTestId(page, 'enrol-token').textContent())!.trim();
      expect(token).toMatch(/^zt-enrol-/);
      await expect(byTestId(page, 'enrol-command').textContent()).resolves.toBe(`zhengtong-agent enrol --center ${server.url} --token ${token}`);
      tokens[code] = token;
      if (code === 'nc-amr-02') {
        await page.waitForTimeout(500); // the modal's opening animation
        await shot(page, 'token');
      }
      await byTestId(page, 'enrol-token-done').click();
      await byTestId(page, 'enrol-token-view').waitFor({ state: 'detached' });
      await page.locator(`[data-testid="node-row-${code}"][data-health="pending"]`).waitFor({ timeout: SLOW });
    }
    // The token is not shown again: the list offers only a new one.
    await expect(page.locator('[data-testid="enrol-token"]').count()).resolves.toBe(0);
    await page.context().close();
  });

  it('the nodes enrol with their tokens and report heartbeats', async () => {
    src = new E2eNode(server.url);
    dst = new E2eNode(server.url);
    await src.enrol(tokens['nc-amr-02']);
    await dst.enrol(tokens['nc-approval-02']);
    await src.heartbeat({ queueDepth: 2, lagSeconds: 1 });
    await dst.heartbeat();
    const page = await loginAs(browser, server.url, 'nc_admin');
    await page.goto(`${server.url}/exchange/nodes`);
    await page.locator('[data-testid="node-row-nc-amr-02"][data-health="online"]').waitFor({ timeout: SLOW });
    await page.locator('[data-testid="node-row-nc-approval-02"][data-health="online"]').waitFor({ timeout: SLOW });
    await shot(page, 'nodes');
    await byTestId(page, 'node-row-nc-amr-02').locator('[data-testid="node-open"]').click();
    await byTestId(page, 'page-exchange-node').waitFor();
    await expect(byTestId(page, 'node-agent-version').textContent()).resolves.toBe('0.1.0-e2e');
    await expect(byTestId(page, 'node-queue-depth').textContent()).resolves.toBe('2');
    await shot(page, 'node');
    await page.context().close();
  });

  it('a pending node gets a new token (the old one stops working) and is revoked with reasons', async () => {
    const admin = await session('nc_admin');
    const { items } = await admin('GET', '/api/exchange/nodes?q=nc-amr-02');
    const registered = await admin('POST', '/api/exchange/nodes', { code: 'nc-amr-03', name: '南昌市市场监管局备用前置机', departmentId: items[0].departmentId });
    const page = await loginAs(browser, server.url, 'nc_admin');
    await page.goto(`${server.url}/exchange/nodes`);
    const row = page.locator('[data-testid="node-row-nc-amr-03"][data-health="pending"]');
    await row.waitFor({ timeout: SLOW });
    await row.locator('[data-testid="node-reissue"]').click();
    await settled(page);
    await byTestId(page, 'node-reissue-confirm').click();
    await byTestId(page, 'enrol-token-view').waitFor({ timeout: SLOW });
    const token = (await byTestId(page, 'enrol-token').textContent())!.trim();
    expect(token).toMatch(/^zt-enrol-/);
    expect(token).not.toBe(registered.enrolToken);
    await settled(page);
    await byTestId(page, 'enrol-token-done').click();
    await expect(new E2eNode(server.url).enrol(registered.enrolToken)).rejects.toThrow(/401/);

    await settled(page);
    await row.locator('[data-testid="node-revoke"]').click();
    await settled(page);
    await byTestId(page, 'node-revoke-confirm').click(); // reasons are required
    await page.locator('.ant-form-item', { has: byTestId(page, 'node-revoke-reasons') }).locator('.ant-form-item-explain').waitFor();
    await fill(page, 'node-revoke-reasons', '硬件更换，改用新前置机');
    await byTestId(page, 'node-revoke-confirm').click();
    await page.locator('[data-testid="node-row-nc-amr-03"][data-health="revoked"]').waitFor({ timeout: SLOW });
    await expect(new E2eNode(server.url).enrol(token)).rejects.toThrow(/401/);
    await page.context().close();
  });

  let officer: Page;
  it('a task is created in the form; a field outside the grant is refused on the grant input', async () => {
    const creator = await loginAs(browser, server.url, TASK_CREATOR);
    officer = creator;
    await byTestId(officer, 'nav-exchange-tasks').click();
    await byTestId(officer, 'page-exchange-tasks').waitFor();
    await byTestId(officer, 'task-create').click();
    await byTestId(officer, 'page-exchange-task-create').waitFor();
    await choose(officer, 'task-form-resource', resourceName);
    await byTestId(officer, 'task-field-legal_rep_id').waitFor({ timeout: SLOW });
    await fill(officer, 'task-form-name', '企业登记信息同步至审批局');
    await fill(officer, 'task-field-column-name', 'ent_name');
    await choose(officer, 'task-form-source-node', 'nc-amr-02');
    await fill(officer, 'task-form-table', 'public.enterprise');
    await byTestId(officer, 'task-form-key-columns').click();
    await officer.keyboard.type('uscc');
    await officer.keyboard.press('Enter');
    await fill(officer, 'task-form-inc-column', 'updated_at');
    await choose(officer, 'task-target-grant-0', '南昌市行政审批局');
    await choose(officer, 'task-target-node-0', 'nc-approval-02');
    await fill(officer, 'task-target-connection-0', 'warehouse');
    await fill(officer, 'task-target-table-0', 'public.enterprise_copy');
    // First mistake: no field at all; the server's list-level error shows above the fields.
    for (const f of ['uscc', 'name', 'legal_rep_id']) await byTestId(officer, `task-field-include-${f}`).uncheck();
    await byTestId(officer, 'task-form-submit').click();
    await byTestId(officer, 'task-form-fields-error').waitFor({ timeout: SLOW });
    await expect(byTestId(officer, 'task-form-fields-error').textContent()).resolves.toContain('请至少选择一个信息项');
    for (const f of ['uscc', 'name', 'legal_rep_id']) await byTestId(officer, `task-field-include-${f}`).check();
    // Second mistake: legal_rep_id (conditional, not granted) travels too.
    await byTestId(officer, 'task-form-submit').click();
    await expectFieldError(officer, 'task-target-grant-0', '授权未包含信息项：legal_rep_id');
    await shot(officer, 'task-refused');
    await byTestId(officer, 'task-field-include-legal_rep_id').uncheck();
    // Third: a custom mask on the name, and a target column map with a bad column name.
    await choose(officer, 'task-field-mask-name', '自定义');
    await fill(officer, 'task-field-keep-start-name', '1');
    await fill(officer, 'task-field-keep-end-name', '0');
    await fill(officer, 'task-target-column-map-0', 'name=bad-name');
    await byTestId(officer, 'task-form-submit').click();
    await expectFieldError(officer, 'task-target-column-map-0', '列名不合法：bad-name');
    await fill(officer, 'task-target-column-map-0', 'name=name');
    await byTestId(officer, 'task-form-submit').click();
    await byTestId(officer, 'page-exchange-task').waitFor({ timeout: SLOW });
    taskId = (await byTestId(officer, 'page-exchange-task').getAttribute('data-id'))!;
    const made = await provider('GET', `/api/exchange/tasks/${taskId}`);
    expect(made.fields.find((f: { field: string }) => f.field === 'name').mask).toEqual({ keepStart: 1, keepEnd: 0 });
    expect(made.targets[0].columnMap).toEqual({ uscc: 'uscc', name: 'name' });
    await expect(byTestId(officer, 'task-status').getAttribute('data-status')).resolves.toBe('active');
    await officer.locator('[data-testid="target-row"][data-node="nc-approval-02"]').waitFor();
    await shot(officer, 'task');
    if (TASK_CREATOR !== 'nc_officer') {
      await creator.context().close();
      officer = await loginAs(browser, server.url, 'nc_officer');
    }
  });

  it('a batch that fails at the target shows on 失败投递 with its reason; retry queues it again', async () => {
    const conf = await src.heartbeat();
    expect(conf.body.sources.map((s: { taskId: string }) => s.taskId)).toContain(taskId);
    const uploaded = await src.upload(taskId, 1, '91360100MA35XXXX01,甲公司\n91360100MA35XXXX02,乙公司\n', ['uscc', 'name']);
    expect(uploaded.deliveries).toBe(1);
    const [delivery] = await dst.deliveries();
    await dst.fail(delivery.deliveryId, 'TARGET_COLUMN_MISSING', 'column "name" of relation "enterprise_copy" does not exist');

    await byTestId(officer, 'nav-exchange-failures').click();
    await byTestId(officer, 'page-exchange-failures').waitFor();
    const row = officer.locator(`[data-testid="failure-row"][data-id="${delivery.deliveryId}"]`);
    await row.waitFor({ timeout: SLOW });
    await expect(row.getAttribute('data-code')).resolves.toBe('TARGET_COLUMN_MISSING');
    await expect(row.locator('[data-testid="failure-message"]').textContent()).resolves.toContain('enterprise_copy');
    await shot(officer, 'failures');
    await row.locator('[data-testid="failure-retry"]').click();
    await row.waitFor({ state: 'detached', timeout: SLOW });

    // Queued again: the target gets it once more and applies it this time.
    const [again] = await dst.deliveries();
    expect(again.deliveryId).toBe(delivery.deliveryId);
    await dst.ack(again.deliveryId, 2);
  });

  it('the task page shows the source agent’s error, the batch, its deliveries and its provenance, and the charts', async () => {
    // The source agent reports (in its heartbeat) that a column it reads has gone.
    await src.heartbeat({ tasks: [{ taskId, checkpoint: '2026-03-02T10:00:00Z', lastError: 'SOURCE_COLUMN_MISSING: column "ent_name" does not exist' }] });
    await officer.goto(`${server.url}/exchange/tasks/${taskId}`);
    await byTestId(officer, 'page-exchange-task').waitFor();
    await byTestId(officer, 'task-source-error').waitFor({ timeout: SLOW });
    await expect(byTestId(officer, 'task-source-error').textContent()).resolves.toContain('column "ent_name" does not exist');
    await expect(byTestId(officer, 'task-checkpoint').textContent()).resolves.toBe('2026-03-02T10:00:00Z');
    const batch = officer.locator('[data-testid="batch-row"][data-seq="1"]');
    await batch.waitFor({ timeout: SLOW });
    await expect(batch.locator('[data-testid="batch-delivery-status"]').getAttribute('data-status')).resolves.toBe('applied');
    await byTestId(officer, 'task-chart-throughput').locator('canvas').waitFor();
    await officer.waitForTimeout(600); // the charts' first animation
    await shot(officer, 'task-detail');
    await batch.locator('[data-testid="batch-provenance"]').click();
    await byTestId(officer, 'provenance-timeline').waitFor();
    await officer.locator('[data-testid="provenance-hop"][data-hop="applied"]').waitFor({ timeout: SLOW });
    const hops = await officer.locator('[data-testid="provenance-hop"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-hop')));
    expect(hops.slice(0, 3)).toEqual(['extracted', 'uploaded', 'routed']);
    expect(hops).toContain('failed');
    expect(hops.at(-1)).toBe('applied');
    await shot(officer, 'provenance');
    await officer.keyboard.press('Escape');
    await byTestId(officer, 'provenance-timeline').waitFor({ state: 'hidden' });
  });

  it('the monitoring page draws the topology with both nodes (in Chinese and in English)', async () => {
    await byTestId(officer, 'nav-exchange-tasks').click();
    await officer.locator(`[data-testid="task-row"][data-id="${taskId}"]`).waitFor({ timeout: SLOW });
    await shot(officer, 'tasks');
    await byTestId(officer, 'nav-exchange-monitor').click();
    await byTestId(officer, 'page-exchange-monitor').waitFor();
    const topology = byTestId(officer, 'topology');
    await topology.waitFor({ timeout: SLOW });
    await byTestId(officer, 'topology-chart').locator('canvas').waitFor();
    // This test's two nodes and the demo exchange's (npm start loads it, nodes still pending).
    const codes = (await topology.getAttribute('data-node-codes'))!.split(',');
    expect(codes.sort()).toEqual(['nc-amr-01', 'nc-amr-02', 'nc-approval-01', 'nc-approval-02']);
    await expect(topology.getAttribute('data-edges')).resolves.toBe('2');
    await byTestId(officer, 'monitor-warnings').waitFor();
    await officer.waitForTimeout(800); // the graph's first layout animation
    await shot(officer, 'monitor');
    await officer.locator('[data-testid="lang-switch"] .ant-segmented-item', { hasText: 'English' }).click();
    await officer.getByText('Exchange topology').waitFor();
    await shot(officer, 'monitor-en');
    await officer.locator('[data-testid="lang-switch"] .ant-segmented-item', { hasText: '中文' }).click();
  });

  it('the provider opens a topic; the consumer subscribes with replay and sees its backlog, then skips it', async () => {
    await byTestId(officer, 'nav-exchange-topics').click();
    await byTestId(officer, 'page-exchange-topics').waitFor();
    await byTestId(officer, 'topic-create').click();
    await choose(officer, 'topic-form-resource', resourceName);
    await officer.locator('[data-testid="topic-form-fields"] label', { hasText: '（uscc）' }).waitFor({ timeout: SLOW });
    await fill(officer, 'topic-form-code', 'enterprise.changed');
    await fill(officer, 'topic-form-name', '企业登记信息变更');
    await officer.locator('[data-testid="topic-form-fields"] label', { hasText: '（uscc）' }).click();
    await officer.locator('[data-testid="topic-form-fields"] label', { hasText: '（name）' }).click();
    await choose(officer, 'topic-form-key-field', 'uscc');
    await byTestId(officer, 'topic-form-event-types').click();
    await officer.keyboard.type('enterprise.changed');
    await officer.keyboard.press('Enter');
    await byTestId(officer, 'topic-create-submit').click();
    await byTestId(officer, 'page-exchange-topic').waitFor({ timeout: SLOW });
    const topicUrl = officer.url();
    // The provider's node publishes one event before anyone subscribes.
    await src.call('POST', '/api/exchange/agent/topics/enterprise.changed/events', {
      events: [{ key: '91360100MA35XXXX01', type: 'enterprise.changed', payload: { uscc: '91360100MA35XXXX01', name: '甲公司（更名）' } }],
    });

    const consumer = await loginAs(browser, server.url, 'ncsp_officer');
    await consumer.goto(topicUrl);
    await byTestId(consumer, 'topic-subscribe').click();
    await choose(consumer, 'subscribe-grant', '南昌市行政审批局');
    await choose(consumer, 'subscribe-node', 'nc-approval-02');
    await fill(consumer, 'subscribe-connection', 'warehouse');
    await fill(consumer, 'subscribe-table', 'public.enterprise_latest');
    await byTestId(consumer, 'subscribe-submit').click();
    const row = consumer.locator('[data-testid="subscription-row"][data-node="nc-approval-02"]');
    await row.waitFor({ timeout: SLOW });
    // Subscribed from the start of the retention window: the event published before is waiting.
    await expect(row.locator('[data-testid="subscription-backlog"]').textContent()).resolves.toBe('1');
    await consumer.waitForTimeout(500); // the dialog's closing animation
    await shot(consumer, 'topic');
    await row.locator('[data-testid="subscription-rewind"]').click();
    await consumer.locator('[data-testid="rewind-from"] label', { hasText: '仅新事件' }).click();
    await byTestId(consumer, 'rewind-submit').click();
    await consumer.locator('[data-testid="subscription-backlog"]', { hasText: /^0$/ }).waitFor({ timeout: SLOW });
    await consumer.context().close();
  });

  it('the provider pauses the task with reasons and resumes it', async () => {
    await officer.goto(`${server.url}/exchange/tasks/${taskId}`);
    await byTestId(officer, 'task-pause').click();
    await fill(officer, 'task-step-reasons', '源库维护，暂停两小时');
    await byTestId(officer, 'task-step-confirm').click();
    await officer.locator('[data-testid="task-status"][data-status="paused"]').waitFor({ timeout: SLOW });
    await expect(byTestId(officer, 'task-status-alert').getAttribute('data-code')).resolves.toBe('PAUSED_BY_USER');
    await expect(byTestId(officer, 'task-status-alert').textContent()).resolves.toContain('源库维护，暂停两小时');
    const conf = await src.heartbeat();
    expect(conf.body.sources.find((x: { taskId: string }) => x.taskId === taskId).status).toBe('paused');
    await byTestId(officer, 'task-resume').click();
    await officer.locator('[data-testid="task-status"][data-status="active"]').waitFor({ timeout: SLOW });
    await expect(byTestId(officer, 'task-status-alert').count()).resolves.toBe(0);
  });

  it('the provider changes the strategy (settle window too); a bad time window lands on its input; the agent gets the new values', async () => {
    await officer.goto(`${server.url}/exchange/tasks/${taskId}`);
    await byTestId(officer, 'task-edit').click();
    await byTestId(officer, 'task-edit-form').waitFor();
    await fill(officer, 'task-form-batch-size', '20000');
    const settle = officer.locator('input[data-testid="task-form-settle-seconds"], [data-testid="task-form-settle-seconds"] input').first();
    await expect(settle.inputValue()).resolves.toBe('2');
    await fill(officer, 'task-form-settle-seconds', '5');
    await byTestId(officer, 'task-form-window').click();
    await fill(officer, 'task-form-window-from', '25:00');
    await byTestId(officer, 'task-edit-save').click();
    await expectFieldError(officer, 'task-form-window-from', 'HH:MM');
    await fill(officer, 'task-form-window-from', '23:00');
    await byTestId(officer, 'task-edit-save').click();
    await byTestId(officer, 'task-edit-form').waitFor({ state: 'detached', timeout: SLOW });
    await officer.getByText('每批 20000 行').waitFor({ timeout: SLOW });
    await officer.getByText('23:00–06:00', { exact: false }).waitFor();
    await officer.getByText('稳定等待 5 秒', { exact: false }).waitFor();
    const conf = await src.heartbeat();
    expect(conf.body.sources.find((x: { taskId: string }) => x.taskId === taskId).strategy).toMatchObject({ batchSize: 20000, settleSeconds: 5, window: { from: '23:00', to: '06:00' } });
  });

  it('a revoked grant stops the task; its page says why in red and refuses to resume', async () => {
    await provider('POST', `/api/sharing/grants/${grantId}/revoke`, { reasons: '使用部门职能调整，不再需要该数据' });
    // The center checks the grants whenever a node asks for its work.
    const conf = await src.heartbeat();
    expect(conf.body.sources.find((x: { taskId: string }) => x.taskId === taskId)).toMatchObject({ status: 'stopped', statusCode: 'GRANT_REVOKED' });
    await officer.goto(`${server.url}/exchange/tasks/${taskId}`);
    const alert = byTestId(officer, 'task-status-alert');
    await alert.waitFor({ timeout: SLOW });
    await expect(alert.getAttribute('data-code')).resolves.toBe('GRANT_REVOKED');
    await expect(alert.getAttribute('class')).resolves.toContain('ant-alert-error');
    await expect(byTestId(officer, 'task-status').getAttribute('data-status')).resolves.toBe('stopped');
    await expect(byTestId(officer, 'target-status-reason').textContent()).resolves.toContain('共享授权已撤销');
    await byTestId(officer, 'task-resume').click();
    await officer.locator('.ant-message', { hasText: '没有授权有效的目标' }).waitFor({ timeout: SLOW });
    await shot(officer, 'grant-revoked');
    await officer.context().close();
  });
});
