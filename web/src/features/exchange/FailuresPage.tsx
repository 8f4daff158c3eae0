import { App, Button, Space, Tag, Typography, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { useAuth } from '../../auth/AuthContext';
import { PagedTable } from '../../components/PagedTable';
import { PageTitle } from '../../components/PageTitle';
import { useProblem } from '../../components/useProblem';
import { usePaging } from '../../hooks/usePaging';
import { useRequest } from '../../hooks/useRequest';
import { useI18n } from '../../i18n';
import { fmtTime } from '../../utils/format';
import { exchangeApi, type Delivery } from './api';
import { fmtBytes } from './components';

/**
 * 失败投递: deliveries a target agent could not apply, with its reason; after fixing the cause
 * (a missing column, a full disk…) the provider or the consumer queues it again. A failed
 * delivery holds its target's later batches, so the oldest comes first to mind.
 */
export default function FailuresPage() {
  const { t } = useI18n();
  const { can } = useAuth();
  const { message } = App.useApp();
  const showProblem = useProblem();
  const [params, setParams] = useSearchParams();
  const taskId = params.get('taskId') ?? undefined;
  const paging = usePaging();
  const { page, pageSize } = paging;
  const list = useRequest(() => exchangeApi.deliveries({ status: 'failed', taskId, page, pageSize }), [taskId, page, pageSize]);
  const [retrying, setRetrying] = useState<string | null>(null);

  const retry = async (d: Delivery) => {
    setRetrying(d.id);
    try {
      await exchangeApi.retry(d.id);
      message.success(t('exchange.failures.retried'));
      list.reload();
    } catch (e) {
      showProblem(e);
    } finally {
      setRetrying(null);
    }
  };

  const columns: TableColumnsType<Delivery> = [
    {
      title: t('exchange.task.name'),
      key: 'task',
      width: 220,
      render: (_v, d) => (
        <Link to={`/exchange/tasks/${d.taskId}`} data-testid="failure-task">
          {d.taskName}
        </Link>
      ),
    },
    { title: t('exchange.batch.seq'), dataIndex: 'seq', width: 80, render: (v: number) => `#${v}` },
    { title: t('exchange.form.targetNode'), key: 'node', width: 200, render: (_v, d) => `${d.nodeName}（${d.nodeCode}）` },
    {
      title: t('exchange.failures.reason'),
      key: 'reason',
      render: (_v, d) => (
        <Space orientation="vertical" size={0}>
          <Space size={4}>
            <Tag color="error" data-testid="failure-code">
              {d.errorCode ?? '—'}
            </Tag>
            {d.retryable === false && <Tag>{t('exchange.failures.notRetryable')}</Tag>}
          </Space>
          <Typography.Text type="danger" style={{ fontSize: 12 }} data-testid="failure-message">
            {d.errorMessage}
          </Typography.Text>
        </Space>
      ),
    },
    { title: t('exchange.batch.attemptsCol'), dataIndex: 'attempts', width: 90, align: 'right' },
    { title: t('exchange.batch.bytes'), dataIndex: 'bytes', width: 100, align: 'right', render: (v: number) => fmtBytes(v) },
    { title: t('exchange.failures.failedAt'), dataIndex: 'settledAt', width: 170, render: (v: string | null) => fmtTime(v) },
    ...(can('exchange.task.manage')
      ? [
          {
            title: t('common.actions'),
            key: 'actions',
            width: 100,
            fixed: 'right' as const,
            render: (_v: unknown, d: Delivery) => (
              <Button type="primary" size="small" ghost loading={retrying === d.id} onClick={() => retry(d)} data-testid="failure-retry">
                {t('exchange.failures.retry')}
              </Button>
            ),
          },
        ]
      : []),
  ];

  return (
    <div data-testid="page-exchange-failures">
      <PageTitle
        title={t('exchange.failures.title')}
        extra={
          <Button onClick={list.reload} data-testid="failures-refresh">
            {t('common.refresh')}
          </Button>
        }
      />
      <Typography.Paragraph type="secondary">{t('exchange.failures.help')}</Typography.Paragraph>
      {taskId && (
        <Tag closable onClose={() => setParams({})} style={{ marginBottom: 12 }} data-testid="failures-task-filter">
          {t('exchange.failures.oneTask', { name: list.data?.items[0]?.taskName ?? '' })}
        </Tag>
      )}
      <PagedTable<Delivery>
        list={list}
        paging={paging}
        columns={columns}
        scroll={{ x: 1300 }}
        rowTestId="failure-row"
        rowData={(d) => ({ 'data-id': d.id, 'data-task': d.taskId, 'data-code': d.errorCode ?? '' })}
        data-testid="failure-table"
      />
    </div>
  );
}
