import { Card, Table, type TableProps } from 'antd';
import type { RequestState } from '../hooks/useRequest';
import type { Paging } from '../hooks/usePaging';
import { useI18n } from '../i18n';
import { rowProps } from '../utils/testid';
import { ErrorAlert } from './ErrorAlert';

type Props<T> = Omit<TableProps<T>, 'rowKey' | 'size' | 'loading' | 'dataSource' | 'onRow' | 'pagination'> & {
  /** The useRequest state of the page being shown. */
  list: Pick<RequestState<{ items: T[]; total: number }>, 'data' | 'loading' | 'error' | 'reload'>;
  paging: Paging;
  /** Every row carries this data-testid, plus the data-* attributes of `rowData`, for the e2e tests. */
  rowTestId: string;
  rowData?: (row: T) => Record<`data-${string}`, string>;
};

/**
 * A server-paged list in its card: a failed load above the table with a retry, rows keyed by
 * `id`, and the pager the list pages share. Other Table props (columns, scroll, data-testid, …)
 * pass through.
 */
export function PagedTable<T extends { id: string | number }>({ list, paging, rowTestId, rowData, ...table }: Props<T>) {
  const { t } = useI18n();
  const { data, loading, error, reload } = list;
  return (
    <Card>
      {error && <ErrorAlert error={error} onRetry={reload} />}
      <Table<T>
        rowKey="id"
        size="middle"
        loading={loading}
        dataSource={data?.items ?? []}
        onRow={(row) => rowProps(rowTestId, rowData?.(row))}
        pagination={{
          current: paging.page,
          pageSize: paging.pageSize,
          total: data?.total ?? 0,
          showSizeChanger: true,
          showTotal: (total) => t('common.total', { total }),
          onChange: paging.onChange,
        }}
        {...table}
      />
    </Card>
  );
}
