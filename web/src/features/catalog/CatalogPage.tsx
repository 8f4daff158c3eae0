import { Card, Col, Empty, Form, Input, Row, Segmented, Select, Spin, Tabs, Tree, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { DepartmentSelect } from '../../components/DepartmentSelect';
import { DivisionTreeSelect } from '../../components/DivisionTreeSelect';
import { ErrorAlert } from '../../components/ErrorAlert';
import { FilterCard } from '../../components/FilterCard';
import { PageTitle } from '../../components/PageTitle';
import { usePaging } from '../../hooks/usePaging';
import { useRequest } from '../../hooks/useRequest';
import { useI18n } from '../../i18n';
import { AggregateView } from './AggregateView';
import { catalogApi, OPEN_TYPES, SHARE_TYPES, UPDATE_CYCLES, type ListQuery, type OpenType, type ShareType, type TreeNode, type UpdateCycle } from './api';
import { classificationOptions, options, useClassifications } from './labels';
import { ResourceTable } from './ResourceTable';

interface Filters {
  q?: string;
  providerDepartmentId?: string;
  divisionCode?: string;
  root?: string;
  classificationCode?: string;
  shareType?: ShareType;
  openType?: OpenType;
  updateCycle?: UpdateCycle;
}

type TreeBy = 'classification' | 'department';

/** What a tree node filters: a classification, a division (and below) or one department. */
function nodeFilter(n: TreeNode): Partial<ListQuery> {
  if (n.kind === 'classification') return { classificationCode: n.code };
  if (n.kind === 'division') return { divisionCode: n.code };
  return { providerDepartmentId: n.id ?? undefined };
}

interface TreeItem {
  key: string;
  title: string;
  node: TreeNode;
  children: TreeItem[];
}

const toTreeData = (nodes: TreeNode[]): TreeItem[] =>
  nodes.map((n) => ({ key: n.key, title: `${n.name}（${n.count}）`, node: n, children: toTreeData(n.children) }));

/** 目录浏览: search with filters, a classification / department tree, and the aggregated view per level. */
export default function CatalogPage() {
  const { t } = useI18n();
  const [form] = Form.useForm<Filters>();
  const [params] = useSearchParams();
  const [filters, setFilters] = useState<Filters>(() => ({ q: params.get('q') ?? undefined }));
  const [treeBy, setTreeBy] = useState<TreeBy>('classification');
  const [treeKey, setTreeKey] = useState<string | null>(null);
  const [treeFilter, setTreeFilter] = useState<Partial<ListQuery>>({});
  const paging = usePaging();
  const { page, pageSize } = paging;
  const classifications = useClassifications();

  const query: ListQuery = {
    q: filters.q,
    providerDepartmentId: filters.providerDepartmentId,
    divisionCode: filters.divisionCode,
    classificationCode: filters.classificationCode ?? filters.root,
    shareType: filters.shareType,
    openType: filters.openType,
    updateCycle: filters.updateCycle,
    // The tree narrows further (its node wins over the same filter above).
    ...treeFilter,
  };
  const list = useRequest(() => catalogApi.list({ ...query, page, pageSize }), [JSON.stringify(query), page, pageSize]);
  const tree = useRequest(() => catalogApi.tree(treeBy), [treeBy]);
  const treeData = useMemo(() => toTreeData(tree.data?.items ?? []), [tree.data]);

  const search = (v: Filters) => {
    paging.setPage(1);
    setFilters({
      q: v.q?.trim() || undefined,
      providerDepartmentId: v.providerDepartmentId || undefined,
      divisionCode: v.divisionCode || undefined,
      root: v.root || undefined,
      classificationCode: v.classificationCode || undefined,
      shareType: v.shareType,
      openType: v.openType,
      updateCycle: v.updateCycle,
    });
  };

  const selectNode = (key: string | null, node?: TreeNode) => {
    paging.setPage(1);
    setTreeKey(key);
    setTreeFilter(key && node ? nodeFilter(node) : {});
  };

  const browse = (
    <Row gutter={16}>
      <Col xs={24} lg={6}>
        <Card size="small" style={{ marginBottom: 16 }} data-testid="catalog-tree-card">
          <Segmented<TreeBy>
            block
            value={treeBy}
            onChange={(v) => {
              setTreeBy(v);
              selectNode(null);
            }}
            options={[
              { value: 'classification', label: t('catalog.browse.byClassification') },
              { value: 'department', label: t('catalog.browse.byDepartment') },
            ]}
            data-testid="catalog-tree-by"
          />
          <Typography.Paragraph type="secondary" style={{ margin: '8px 0', fontSize: 12 }}>
            {t('catalog.browse.treeHint')}
          </Typography.Paragraph>
          {tree.error ? (
            <ErrorAlert error={tree.error} onRetry={tree.reload} />
          ) : tree.data?.by !== treeBy ? (
            <Spin />
          ) : treeData.length === 0 ? (
            <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('catalog.browse.treeEmpty')} />
          ) : (
            <Tree
              key={treeBy}
              treeData={treeData}
              defaultExpandAll
              selectedKeys={treeKey ? [treeKey] : []}
              onSelect={(_keys, info) => {
                const k = String(info.node.key);
                selectNode(k === treeKey ? null : k, (info.node as unknown as { node: TreeNode }).node);
              }}
              titleRender={(n) => <span data-testid={`catalog-tree-node-${n.key}`}>{n.title as string}</span>}
              data-testid="catalog-tree"
            />
          )}
        </Card>
      </Col>
      <Col xs={24} lg={18}>
        <FilterCard<Filters>
          form={form}
          initialValues={filters}
          onSearch={search}
          onReset={() => {
            form.resetFields();
            search({});
            selectNode(null);
          }}
          searchTestId="catalog-search-submit"
          resetTestId="catalog-search-reset"
        >
          <Form.Item name="q" label={t('common.keyword')}>
            <Input allowClear placeholder={t('catalog.browse.searchPlaceholder')} style={{ width: 240 }} data-testid="catalog-search-input" />
          </Form.Item>
          <Form.Item name="providerDepartmentId" label={t('catalog.provider')}>
            <DepartmentSelect allowClear placeholder={t('common.all')} style={{ width: 220 }} testId="catalog-filter-department" />
          </Form.Item>
          <Form.Item name="divisionCode" label={t('catalog.division')}>
            <DivisionTreeSelect allowClear placeholder={t('common.all')} style={{ width: 180 }} testId="catalog-filter-division" />
          </Form.Item>
          <Form.Item name="root" label={t('catalog.root')}>
            <Select
              allowClear
              placeholder={t('common.all')}
              style={{ width: 150 }}
              options={['1', '2', '3'].map((c) => ({ value: c, label: t(`catalog.rootKind.${c}` as 'catalog.rootKind.1') }))}
              data-testid="catalog-filter-root"
            />
          </Form.Item>
          <Form.Item name="classificationCode" label={t('catalog.classification')}>
            <Select
              allowClear
              showSearch={{ optionFilterProp: 'label' }}
              placeholder={t('common.all')}
              style={{ width: 200 }}
              options={classificationOptions(classifications)}
              data-testid="catalog-filter-classification"
            />
          </Form.Item>
          <Form.Item name="shareType" label={t('catalog.shareType')}>
            <Select allowClear placeholder={t('common.all')} style={{ width: 140 }} options={options(t, 'shareType', SHARE_TYPES)} data-testid="catalog-filter-share-type" />
          </Form.Item>
          <Form.Item name="openType" label={t('catalog.openType')}>
            <Select allowClear placeholder={t('common.all')} style={{ width: 140 }} options={options(t, 'openType', OPEN_TYPES)} data-testid="catalog-filter-open-type" />
          </Form.Item>
          <Form.Item name="updateCycle" label={t('catalog.updateCycle')}>
            <Select allowClear placeholder={t('common.all')} style={{ width: 120 }} options={options(t, 'cycle', UPDATE_CYCLES)} data-testid="catalog-filter-update-cycle" />
          </Form.Item>
        </FilterCard>
        <ResourceTable list={list} paging={paging} testId="catalog-table" />
      </Col>
    </Row>
  );

  return (
    <div data-testid="page-catalog">
      <PageTitle title={t('catalog.browse.title')} />
      <Tabs
        destroyOnHidden
        items={[
          { key: 'browse', label: <span data-testid="catalog-tab-browse">{t('catalog.browse.tab')}</span>, children: browse },
          { key: 'aggregate', label: <span data-testid="catalog-tab-aggregate">{t('catalog.browse.aggregateTab')}</span>, children: <AggregateView /> },
        ]}
      />
    </div>
  );
}
