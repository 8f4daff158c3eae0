import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Agent, type TestApp } from '../harness.ts';
import { tokenize } from '../../src/modules/catalog/catalog.search.ts';
import { entryContent, ncReviewer } from './helpers.ts';

let t: TestApp;
let officer: Agent;
let reviewer: Agent;
let outsider: Agent;

async function publish(content: Record<string, unknown>) {
  const created = await officer.post('/api/catalog/resources', { content });
  expect(created.status, created.text).toBe(201);
  await officer.post(`/api/catalog/resources/${created.body.id}/submit`);
  const res = await reviewer.post(`/api/catalog/resources/${created.body.id}/review`, { decision: 'approve' });
  expect(res.body.status).toBe('published');
  return created.body as { id: string; code: string };
}

beforeAll(async () => {
  t = await createTestApp();
  const admin = await t.login('admin');
  officer = await t.login('nc_officer');
  outsider = await t.login('sr_admin');
  reviewer = await ncReviewer(t, admin);
  await publish(entryContent());
  await publish(
    entryContent({
      classificationCode: '210',
      name: '重点排污单位名录',
      providerUnit: '生态环境监管科',
      summary: '纳入重点监管的排污企业及其排放口信息',
      fields: [{ name: '排放口编号', englishName: 'outlet_no', dataType: 'string', personal: false, sensitive: false }],
      updateCycle: 'monthly',
    }),
  );
  // A draft: found by its own department, never by others.
  await officer.post('/api/catalog/resources', { content: entryContent({ name: '食品抽检结果', summary: '食品安全监督抽检', classificationCode: '203' }) });
});
afterAll(async () => t?.close());

const names = (res: { body: { items: { name: string }[] } }) => res.body.items.map((r) => r.name).sort();
const search = (agent: Agent, q: string, extra = '') => agent.get(`/api/catalog/resources?q=${encodeURIComponent(q)}${extra}`);

describe('Chinese full-text search', () => {
  it('tokenizes Chinese into words and their parts, without particles', () => {
    const tokens = tokenize('南昌市市场主体的行政处罚信息');
    expect(tokens).toEqual(expect.arrayContaining(['南昌', '南昌市', '市场', '主体', '市场主体', '行政', '处罚', '行政处罚', '信息']));
    expect(tokens).not.toContain('的');
  });

  it('finds entries by a keyword in the name, the summary or a field name', async () => {
    expect(names(await search(outsider, '信用'))).toEqual(['企业信用监管信息']);
    expect(names(await search(outsider, '行政处罚'))).toEqual(['企业信用监管信息']);
    expect(names(await search(outsider, '排放口'))).toEqual(['重点排污单位名录']);
    expect(names(await search(outsider, '身份证号'))).toEqual(['企业信用监管信息']);
    expect(names(await search(outsider, '信息'))).toEqual(['企业信用监管信息', '重点排污单位名录']);
  });

  it('needs every word of a multi-word query', async () => {
    expect(names(await search(outsider, '排污 名录'))).toEqual(['重点排污单位名录']);
    expect(names(await search(outsider, '排污 处罚'))).toEqual([]);
  });

  it('finds nothing for an absent word, and a resource by its exact code', async () => {
    expect((await search(outsider, '气象')).body.total).toBe(0);
    const all = await outsider.get('/api/catalog/resources');
    const code = all.body.items[0].code as string;
    expect((await search(outsider, code)).body.items.map((r: { code: string }) => r.code)).toEqual([code]);
  });

  it('shows drafts only to their own department', async () => {
    expect(names(await search(officer, '食品'))).toEqual(['食品抽检结果']);
    expect(names(await search(outsider, '食品'))).toEqual([]);
  });

  it('filters by share type, update cycle and classification, with paging', async () => {
    expect(names(await outsider.get('/api/catalog/resources?updateCycle=monthly'))).toEqual(['重点排污单位名录']);
    expect(names(await outsider.get('/api/catalog/resources?classificationCode=2&pageSize=1')).length).toBe(1);
    const page = await outsider.get('/api/catalog/resources?classificationCode=2&pageSize=1&page=2');
    expect(page.body).toMatchObject({ total: 2, page: 2, pageSize: 1 });
    expect(names(await outsider.get('/api/catalog/resources?shareType=unconditional'))).toEqual(['企业信用监管信息', '重点排污单位名录']);
  });
});
