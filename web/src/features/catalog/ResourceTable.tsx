import { Card, Table, Typography, type TableColumnsType } from 'antd';
import { Link } from 'react-router-dom';
import { ErrorAlert } from '../../components/ErrorAlert';
import type { RequestState } from '../../hooks/useRequest';
import type { Paging } from '../../hooks/usePaging';
import { useI18n } from '../../i18n';
import { fmtDate } from '../../utils/format';
import { rowProps } from '../../utils/testid';
import type { Resource, ResourcePage } from './api';
import { label, OpenTag, ShareTag, StatusTag } from './labels';

interface Props {
  list: Pick<RequestState<ResourcePage>, 'data' | 'loading' | 'error' | 'reload'>;
  paging: Paging;
  testId: string;
  /** Show the workflow status column (a department's own list). */
  showStatus?: boolean;
  /** Row test id prefix: `<prefix>-<code>`; the name links as `catalog-link-<code>`. */
  rowPrefix?: string;
}

/**
 * A server-paged list of catalog entries. Each row is `catalog-row-<code>` (not the shared
 * PagedTable, whose rows share one test id) with the name as the link `catalog-link-<code>`.
 */
export function ResourceTable({ list, paging, testId, showStatus, rowPrefix = 'catalog-row' }: Props) {
  const { t } = useI18n();
  const { data, loading, error, reload } = list;
  const columns: TableColumnsType<Resource> = [
    { title: t('catalog.code'), dataIndex: 'code', width: 170, render: (v: string) => <Typography.Text code>{v}</Typography.Text> },
    {
      title: t('catalog.name'),
      dataIndex: 'name',
      width: 240,
      render: (v: string, r) => (
        <Link to={`/catalog/resources/${r.id}`} data-testid={`catalog-link-${r.code}`}>
          {v}
        </Link>
      ),
    },
    { title: t('catalog.provider'), dataIndex: 'providerDepartmentName', width: 200 },
    { title: t('catalog.classification'), key: 'classification', width: 150, render: (_v, r) => `${r.classificationCode} ${r.classificationName}` },
    { title: t('catalog.shareType'), dataIndex: 'shareType', width: 120, render: (v: Resource['shareType']) => <ShareTag type={v} /> },
    { title: t('catalog.openType'), dataIndex: 'openType', width: 120, render: (v: Resource['openType']) => <OpenTag type={v} /> },
    { title: t('catalog.updateCycle'), dataIndex: 'updateCycle', width: 90, render: (v: string) => label(t, 'cycle', v) },
    { title: t('catalog.publishedAt'), dataIndex: 'publishedAt', width: 110, render: (v: string | null) => (v ? fmtDate(v) : t('catalog.browse.notPublished')) },
  ];
  if (showStatus) {
    columns.push({ title: t('catalog.status'), dataIndex: 'status', width: 90, fixed: 'right', render: (v: string) => <StatusTag status={v} /> });
  }
  return (
    <Card>
      {error && <ErrorAlert error={error} onRetry={reload} />}
      <Table<Resource>
        rowKey="id"
        size="middle"
        loading={loading}
        dataSource={data?.items ?? []}
        columns={columns}
        scroll={{ x: 1200 }}
        onRow={(r) => rowProps(`${rowPrefix}-${r.code}`, { 'data-id': r.id, 'data-status': r.status })}
        pagination={{
          current: paging.page,
          pageSize: paging.pageSize,
          total: data?.total ?? 0,
          showSizeChanger: true,
          // Past the search's count cap the total is a lower bound: 共 1000+ 条.
          showTotal: (total) => t('common.total', { total: data?.totalIsEstimate ? `${total}+` : total }),
          onChange: paging.onChange,
        }}
        data-testid={testId}
      />
    </Card>
  );
}
