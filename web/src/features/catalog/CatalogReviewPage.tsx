import { Button, Card, Form, Input, Table, Typography, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { DepartmentSelect } from '../../components/DepartmentSelect';
import { ErrorAlert } from '../../components/ErrorAlert';
import { FilterCard } from '../../components/FilterCard';
import { PageTitle } from '../../components/PageTitle';
import { usePaging } from '../../hooks/usePaging';
import { useRequest } from '../../hooks/useRequest';
import { useI18n } from '../../i18n';
import { fmtTime } from '../../utils/format';
import { rowProps } from '../../utils/testid';
import { catalogApi, type Resource } from './api';
import { ShareTag } from './labels';
import { ReviewModal } from './ReviewModal';

interface Filters {
  q?: string;
  providerDepartmentId?: string;
}

/** 目录审核: the sharing authority's queue of submitted entries in its scope. */
export default function CatalogReviewPage() {
  const { t } = useI18n();
  const [form] = Form.useForm<Filters>();
  const [filters, setFilters] = useState<Filters>({});
  const [reviewing, setReviewing] = useState<Resource | null>(null);
  const paging = usePaging();
  const { page, pageSize } = paging;
  const list = useRequest(() => catalogApi.list({ ...filters, status: 'submitted', page, pageSize }), [filters, page, pageSize]);

  const columns: TableColumnsType<Resource> = [
    { title: t('catalog.code'), dataIndex: 'code', width: 170, render: (v: string) => <Typography.Text code>{v}</Typography.Text> },
    { title: t('catalog.name'), dataIndex: 'name', width: 240, render: (v: string, r) => <Link to={`/catalog/resources/${r.id}`}>{v}</Link> },
    { title: t('catalog.provider'), dataIndex: 'providerDepartmentName', width: 200 },
    { title: t('catalog.classification'), key: 'classification', width: 160, render: (_v, r) => `${r.classificationCode} ${r.classificationName}` },
    { title: t('catalog.shareType'), dataIndex: 'shareType', width: 120, render: (v: Resource['shareType']) => <ShareTag type={v} /> },
    { title: t('catalog.version'), dataIndex: 'latestVersion', width: 70, render: (v: number) => `v${v}` },
    { title: t('common.updatedAt'), dataIndex: 'updatedAt', width: 170, render: (v: string) => fmtTime(v) },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 90,
      fixed: 'right',
      render: (_v, r) => (
        <Button type="link" size="small" onClick={() => setReviewing(r)} data-testid="review-open">
          {t('catalog.review.open')}
        </Button>
      ),
    },
  ];

  return (
    <div data-testid="page-catalog-review">
      <PageTitle title={t('catalog.review.title')} />
      <FilterCard<Filters>
        form={form}
        onSearch={(v) => {
          paging.setPage(1);
          setFilters({ q: v.q?.trim() || undefined, providerDepartmentId: v.providerDepartmentId || undefined });
        }}
        onReset={() => {
          form.resetFields();
          paging.setPage(1);
          setFilters({});
        }}
        searchTestId="review-search"
      >
        <Form.Item name="q" label={t('common.keyword')}>
          <Input allowClear style={{ width: 220 }} data-testid="review-q" />
        </Form.Item>
        <Form.Item name="providerDepartmentId" label={t('catalog.provider')}>
          <DepartmentSelect allowClear placeholder={t('common.all')} style={{ width: 240 }} testId="review-department" />
        </Form.Item>
      </FilterCard>
      <Card>
        {list.error && <ErrorAlert error={list.error} onRetry={list.reload} />}
        <Table<Resource>
          rowKey="id"
          size="middle"
          loading={list.loading}
          dataSource={list.data?.items ?? []}
          columns={columns}
          scroll={{ x: 1200 }}
          locale={{ emptyText: t('catalog.review.empty') }}
          onRow={(r) => rowProps(`review-row-${r.code}`, { 'data-id': r.id })}
          pagination={{
            current: paging.page,
            pageSize: paging.pageSize,
            total: list.data?.total ?? 0,
            showSizeChanger: true,
            showTotal: (total) => t('common.total', { total }),
            onChange: paging.onChange,
          }}
          data-testid="review-table"
        />
      </Card>
      <ReviewModal
        resource={reviewing}
        onClose={() => setReviewing(null)}
        onDone={() => {
          setReviewing(null);
          list.reload();
        }}
      />
    </div>
  );
}
