import { Button, Card, Col, Empty, Row, Space, Statistic, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { Link } from 'react-router-dom';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageTitle } from '../../components/PageTitle';
import { usePaging } from '../../hooks/usePaging';
import { useRequest } from '../../hooks/useRequest';
import { useI18n, type MessageKey } from '../../i18n';
import { fmtTime } from '../../utils/format';
import { exchangeApi, type ExchangeWarning, type WarningKind } from './api';
import { HEALTH_COLOR } from './components';
import { TopologyChart } from './TopologyChart';

const KIND_COLOR: Record<WarningKind, string> = { node_silent: 'orange', task_failing: 'red', lag_high: 'gold', row_count_abnormal: 'magenta', expiry_pending: 'purple', expired: 'volcano' };

/** 404: the server does not have the endpoint (yet); shown as no data rather than as a failure. */
const missing = (e: { status: number } | null) => e?.status === 404;

/** 交换监控: the overview figures, the network as a graph, and the open warnings. */
export default function MonitorPage() {
  const { t, lang } = useI18n();
  const overview = useRequest(() => exchangeApi.overview(), []);
  const topology = useRequest(() => exchangeApi.topology(), []);
  const paging = usePaging();
  const { page, pageSize } = paging;
  const warnings = useRequest(() => exchangeApi.warnings({ status: 'open', page, pageSize }), [page, pageSize]);
  const o = overview.data;

  const reloadAll = () => {
    overview.reload();
    topology.reload();
    warnings.reload();
  };

  const kpis: { key: string; label: MessageKey; value: number | undefined; color?: string; link?: string }[] = [
    { key: 'online', label: 'exchange.monitor.nodesOnline', value: o?.nodes.online, color: HEALTH_COLOR.online, link: '/exchange/nodes' },
    { key: 'silent', label: 'exchange.monitor.nodesSilent', value: o ? o.nodes.silent + o.nodes.never : undefined, color: o && o.nodes.silent > 0 ? HEALTH_COLOR.silent : undefined, link: '/exchange/nodes' },
    { key: 'active', label: 'exchange.monitor.tasksActive', value: o?.tasks.active, link: '/exchange/tasks' },
    { key: 'stopped', label: 'exchange.monitor.tasksHalted', value: o ? o.tasks.paused + o.tasks.stopped : undefined, link: '/exchange/tasks' },
    { key: 'queued', label: 'exchange.monitor.deliveriesQueued', value: o?.deliveries.queued },
    { key: 'failed', label: 'exchange.monitor.deliveriesFailed', value: o?.deliveries.failed, color: o && o.deliveries.failed > 0 ? '#f5222d' : undefined, link: '/exchange/failures' },
    { key: 'rows', label: 'exchange.monitor.rows24h', value: o?.rowsApplied24h },
    { key: 'warnings', label: 'exchange.monitor.openWarnings', value: o?.openWarnings, color: o && o.openWarnings > 0 ? '#fa8c16' : undefined },
  ];

  const columns: TableColumnsType<ExchangeWarning> = [
    { title: t('exchange.warning.kind'), dataIndex: 'kind', width: 150, render: (v: WarningKind) => <Tag color={KIND_COLOR[v]} data-testid="warning-kind" data-kind={v}>{t(`exchange.warningKind.${v}` as MessageKey)}</Tag> },
    {
      title: t('exchange.warning.subject'),
      key: 'subject',
      width: 220,
      render: (_v, w) => (
        <Space orientation="vertical" size={0}>
          {w.nodeId && <Link to={`/exchange/nodes/${w.nodeId}`}>{w.nodeCode ?? w.nodeId}</Link>}
          {w.taskId && <Link to={`/exchange/tasks/${w.taskId}`}>{w.taskName ?? w.taskId}</Link>}
        </Space>
      ),
    },
    { title: t('exchange.warning.message'), key: 'message', render: (_v, w) => (lang === 'zh' ? w.messageZh : w.message) },
    { title: t('exchange.warning.raisedAt'), dataIndex: 'raisedAt', width: 170, render: (v: string) => fmtTime(v) },
    { title: t('exchange.warning.lastSeenAt'), dataIndex: 'lastSeenAt', width: 170, render: (v: string) => fmtTime(v) },
  ];

  return (
    <div data-testid="page-exchange-monitor">
      <PageTitle
        title={t('exchange.monitor.title')}
        extra={
          <Button onClick={reloadAll} data-testid="monitor-refresh">
            {t('common.refresh')}
          </Button>
        }
      />
      {overview.error && !missing(overview.error) && <ErrorAlert error={overview.error} onRetry={overview.reload} />}
      <Row gutter={[16, 16]} style={{ marginBottom: 16 }} data-testid="monitor-overview" data-available={String(!!o)}>
        {kpis.map((k) => (
          <Col key={k.key} xs={12} md={6} xl={3}>
            <Card size="small" loading={overview.loading && !o}>
              <Statistic
                title={k.link ? <Link to={k.link}>{t(k.label)}</Link> : t(k.label)}
                value={k.value ?? '—'}
                styles={{ content: k.color ? { color: k.color } : undefined }}
                data-testid={`monitor-kpi-${k.key}`}
              />
            </Card>
          </Col>
        ))}
      </Row>
      <Card title={t('exchange.monitor.topology')} style={{ marginBottom: 16 }} extra={<Typography.Text type="secondary">{t('exchange.monitor.topologyHelp')}</Typography.Text>}>
        {topology.error && <ErrorAlert error={topology.error} onRetry={topology.reload} />}
        {topology.data && <TopologyChart data={topology.data} />}
      </Card>
      <Card title={t('exchange.monitor.warnings')} data-testid="monitor-warnings">
        {warnings.error && !missing(warnings.error) && <ErrorAlert error={warnings.error} onRetry={warnings.reload} />}
        <Table<ExchangeWarning>
          rowKey="id"
          size="middle"
          loading={warnings.loading}
          dataSource={warnings.data?.items ?? []}
          columns={columns}
          locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('exchange.monitor.noWarnings')} /> }}
          onRow={(w) => ({ 'data-testid': 'warning-row', 'data-kind': w.kind }) as React.HTMLAttributes<HTMLElement>}
          pagination={{
            current: paging.page,
            pageSize: paging.pageSize,
            total: warnings.data?.total ?? 0,
            showTotal: (total) => t('common.total', { total }),
            onChange: paging.onChange,
            hideOnSinglePage: true,
          }}
          data-testid="warning-table"
        />
      </Card>
    </div>
  );
}
