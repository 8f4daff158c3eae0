import { Space, Tag, Tooltip, Typography, type TableColumnsType } from 'antd';
import { Link } from 'react-router-dom';
import { PagedTable } from '../../components/PagedTable';
import type { Paging } from '../../hooks/usePaging';
import type { RequestState } from '../../hooks/useRequest';
import { useI18n } from '../../i18n';
import { fmtMinute } from '../../utils/format';
import type { ExchangeTask } from './api';
import { NameCode, StatusTag } from './components';

/** The tasks list, on 交换任务 and on a node's page. */
export function TaskTable({ list, paging, testId }: { list: Pick<RequestState<{ items: ExchangeTask[]; total: number }>, 'data' | 'loading' | 'error' | 'reload'>; paging: Paging; testId: string }) {
  const { t } = useI18n();
  const columns: TableColumnsType<ExchangeTask> = [
    {
      title: t('exchange.task.name'),
      key: 'name',
      width: 190,
      render: (_v, k) => (
        <Link to={`/exchange/tasks/${k.id}`} data-testid="task-open">
          {k.name}
        </Link>
      ),
    },
    { title: t('common.status'), dataIndex: 'status', width: 90, render: (v: ExchangeTask['status']) => <StatusTag kind="taskStatus" value={v} testId="task-status" /> },
    { title: t('exchange.task.resource'), key: 'resource', width: 190, render: (_v, k) => <NameCode name={k.resourceName} code={k.resourceCode} /> },
    { title: t('exchange.task.sourceNode'), key: 'source', width: 170, render: (_v, k) => <NameCode name={k.sourceNodeName} code={k.sourceNodeCode} /> },
    {
      title: t('exchange.task.targets'),
      key: 'targets',
      width: 160,
      render: (_v, k) => (
        <Space size={[0, 4]} wrap>
          {k.targets.map((g) => (
            <Tooltip key={g.id} title={`${g.consumerDepartmentName} · ${g.table}${g.statusReason ? ` · ${g.statusReason}` : ''}`}>
              <Tag color={g.status === 'active' ? 'blue' : 'red'}>{g.nodeCode}</Tag>
            </Tooltip>
          ))}
        </Space>
      ),
    },
    {
      title: t('exchange.task.statusReason'),
      key: 'reason',
      ellipsis: true,
      render: (_v, k) =>
        k.statusReason || k.statusCode ? (
          <Typography.Text type={k.status === 'stopped' ? 'danger' : 'warning'} data-testid="task-status-reason">
            {k.statusCode ? `[${k.statusCode}] ` : ''}
            {k.statusReason ?? ''}
          </Typography.Text>
        ) : (
          '—'
        ),
    },
    { title: t('common.updatedAt'), dataIndex: 'updatedAt', width: 140, render: (v: string) => fmtMinute(v) },
  ];
  return (
    <PagedTable<ExchangeTask>
      list={list}
      paging={paging}
      columns={columns}
      scroll={{ x: 1120 }}
      rowTestId="task-row"
      rowData={(k) => ({ 'data-id': k.id, 'data-status': k.status, 'data-name': k.name })}
      data-testid={testId}
    />
  );
}
