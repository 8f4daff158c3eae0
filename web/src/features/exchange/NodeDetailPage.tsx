import { Card, Descriptions, Space, Spin, Typography } from 'antd';
import { Link, useParams } from 'react-router-dom';
import { useAuth } from '../../auth/AuthContext';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageTitle } from '../../components/PageTitle';
import { usePaging } from '../../hooks/usePaging';
import { useRequest } from '../../hooks/useRequest';
import { useI18n } from '../../i18n';
import { fmtTime } from '../../utils/format';
import { exchangeApi } from './api';
import { StatusTag, useDuration } from './components';
import { NodeActions } from './NodeActions';
import { TaskTable } from './TaskTable';

/** One node: its enrolment, heartbeat and telemetry, and the tasks it is source or target of. */
export default function NodeDetailPage() {
  const { id = '' } = useParams();
  const { t } = useI18n();
  const { can } = useAuth();
  const duration = useDuration();
  const node = useRequest(() => exchangeApi.node(id), [id]);
  const paging = usePaging();
  const { page, pageSize } = paging;
  const tasks = useRequest(() => exchangeApi.tasks({ nodeId: id, page, pageSize }), [id, page, pageSize]);
  const n = node.data;

  if (node.loading && !n) return <Spin style={{ display: 'block', margin: '80px auto' }} />;
  if (node.error) return <ErrorAlert error={node.error} onRetry={node.reload} />;
  if (!n) return null;

  return (
    <div data-testid="page-exchange-node" data-id={n.id}>
      <PageTitle
        title={
          <Space>
            {n.name}
            <StatusTag kind="health" value={n.health} testId="node-health" />
          </Space>
        }
        extra={
          <Space>
            {can('exchange.node.manage') && <NodeActions node={n} onChanged={node.reload} size="middle" />}
            <Link to="/exchange/nodes">{t('common.back')}</Link>
          </Space>
        }
      />
      <Card style={{ marginBottom: 16 }}>
        <Descriptions column={{ xs: 1, md: 2, xl: 3 }} size="small" bordered data-testid="node-facts">
          <Descriptions.Item label={t('exchange.node.code')}>
            <Typography.Text code>{n.code}</Typography.Text>
          </Descriptions.Item>
          <Descriptions.Item label={t('exchange.node.department')}>{n.departmentName}</Descriptions.Item>
          <Descriptions.Item label={t('exchange.node.division')}>{n.divisionName}</Descriptions.Item>
          <Descriptions.Item label={t('exchange.node.lastHeartbeat')}>
            <span data-testid="node-last-heartbeat">{fmtTime(n.lastHeartbeatAt)}</span>
          </Descriptions.Item>
          <Descriptions.Item label={t('exchange.node.agentVersion')}>
            <span data-testid="node-agent-version">{n.agentVersion ?? '—'}</span>
          </Descriptions.Item>
          <Descriptions.Item label={t('exchange.node.hostname')}>{n.hostname ?? '—'}</Descriptions.Item>
          <Descriptions.Item label={t('exchange.node.queueDepth')}>
            <span data-testid="node-queue-depth">{n.queueDepth}</span>
          </Descriptions.Item>
          <Descriptions.Item label={t('exchange.node.lag')}>{n.lastHeartbeatAt ? duration(n.lagSeconds) : '—'}</Descriptions.Item>
          <Descriptions.Item label={t('exchange.node.clientId')}>{n.clientId ? <Typography.Text code>{n.clientId}</Typography.Text> : '—'}</Descriptions.Item>
          <Descriptions.Item label={t('exchange.node.keyFingerprint')}>
            {n.keyFingerprint ? (
              <Typography.Text code copyable ellipsis style={{ maxWidth: 260 }}>
                {n.keyFingerprint}
              </Typography.Text>
            ) : (
              '—'
            )}
          </Descriptions.Item>
          <Descriptions.Item label={t('exchange.node.createdAt')}>
            {fmtTime(n.createdAt)} · {n.createdBy}
          </Descriptions.Item>
          <Descriptions.Item label={t('exchange.node.enrolledAt')}>{fmtTime(n.enrolledAt)}</Descriptions.Item>
          {n.status === 'pending' && <Descriptions.Item label={t('exchange.node.tokenExpires')}>{fmtTime(n.enrolTokenExpiresAt)}</Descriptions.Item>}
          {n.revokedAt && (
            <Descriptions.Item label={t('exchange.node.revokedAt')}>
              {fmtTime(n.revokedAt)} · {n.revokedBy}
            </Descriptions.Item>
          )}
        </Descriptions>
      </Card>
      <Typography.Title level={5}>{t('exchange.node.tasks')}</Typography.Title>
      <TaskTable list={tasks} paging={paging} testId="node-task-table" />
    </div>
  );
}
