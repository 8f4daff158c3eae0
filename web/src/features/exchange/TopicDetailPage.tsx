import { Button, Card, Descriptions, Form, Radio, Space, Spin, Table, Tag, Tooltip, Typography, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { useAuth } from '../../auth/AuthContext';
import { ErrorAlert } from '../../components/ErrorAlert';
import { FormModal } from '../../components/FormModal';
import { PageTitle } from '../../components/PageTitle';
import { useFormSubmit } from '../../hooks/useFormSubmit';
import { useRequest } from '../../hooks/useRequest';
import { useI18n, type MessageKey } from '../../i18n';
import { fmtTime } from '../../utils/format';
import { exchangeApi, type Subscription } from './api';
import { StatusTag } from './components';
import { SubscribeModal } from './SubscribeModal';

/** One topic: what its events carry, and the subscriptions in the user's scope with their backlog. */
export default function TopicDetailPage() {
  const { id = '' } = useParams();
  const { t } = useI18n();
  const { me, can, scopeOf } = useAuth();
  const topic = useRequest(() => exchangeApi.topic(id), [id]);
  const [subscribing, setSubscribing] = useState(false);
  const [rewinding, setRewinding] = useState<Subscription | null>(null);
  const k = topic.data;

  if (topic.loading && !k) return <Spin style={{ display: 'block', margin: '80px auto' }} />;
  if (topic.error) return <ErrorAlert error={topic.error} onRetry={topic.reload} />;
  if (!k) return null;

  // A department-scoped officer manages its own department's subscriptions only; the server decides in the end.
  const ownOnly = scopeOf('exchange.task.manage') === 'department';
  const mayRewind = (s: Subscription) => can('exchange.task.manage') && (!ownOnly || s.consumerDepartmentId === me?.departmentId);
  const maySubscribe = can('exchange.task.manage') && (!ownOnly || me?.departmentId !== k.providerDepartmentId);
  const columns: TableColumnsType<Subscription> = [
    { title: t('exchange.topic.node'), key: 'node', width: 150, render: (_v, s) => <Link to={`/exchange/nodes/${s.nodeId}`}>{s.nodeCode}</Link> },
    {
      title: t('common.status'),
      key: 'status',
      width: 260,
      render: (_v, s) => (
        <Space orientation="vertical" size={0}>
          <StatusTag kind="targetStatus" value={s.status} testId="subscription-status" />
          {s.statusReason && (
            <Typography.Text type="danger" style={{ fontSize: 12 }}>
              {s.statusReason}
            </Typography.Text>
          )}
          {s.agentError && (
            <Tooltip title={t('exchange.topic.agentErrorAt', { at: fmtTime(s.agentErrorAt) })}>
              <Typography.Text type="danger" style={{ fontSize: 12, whiteSpace: 'pre-wrap' }} data-testid="subscription-agent-error">
                {t('exchange.topic.agentError', { node: s.nodeCode, error: s.agentError })}
              </Typography.Text>
            </Tooltip>
          )}
        </Space>
      ),
    },
    { title: t('exchange.topic.backlog'), dataIndex: 'backlog', width: 90, align: 'right', render: (v: number) => <span data-testid="subscription-backlog">{v}</span> },
    { title: t('exchange.topic.cursor'), dataIndex: 'cursor', width: 90, align: 'right' },
    { title: t('exchange.task.consumer'), dataIndex: 'consumerDepartmentName', width: 170 },
    { title: t('exchange.form.targetTable'), key: 'table', width: 200, render: (_v, s) => <Typography.Text code>{`${s.connection} · ${s.table}`}</Typography.Text> },
    { title: t('exchange.topic.fields'), dataIndex: 'fields', width: 160, render: (v: string[]) => v.join(', ') },
    { title: t('exchange.task.purpose'), dataIndex: 'purpose', width: 180, ellipsis: true },
    { title: t('exchange.topic.lastAck'), dataIndex: 'lastAckAt', width: 160, render: (v: string | null) => fmtTime(v) },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 90,
      fixed: 'right',
      render: (_v, s) =>
        mayRewind(s) && (
          <Button type="link" size="small" onClick={() => setRewinding(s)} data-testid="subscription-rewind">
            {t('exchange.topic.rewind')}
          </Button>
        ),
    },
  ];

  return (
    <div data-testid="page-exchange-topic" data-id={k.id}>
      <PageTitle
        title={
          <Space>
            {k.name}
            <Typography.Text code>{k.code}</Typography.Text>
          </Space>
        }
        extra={
          <Space>
            {maySubscribe && (
              <Button type="primary" onClick={() => setSubscribing(true)} data-testid="topic-subscribe">
                {t('exchange.topic.subscribe')}
              </Button>
            )}
            <Link to="/exchange/topics">{t('common.back')}</Link>
          </Space>
        }
      />
      <Card style={{ marginBottom: 16 }}>
        <Descriptions column={{ xs: 1, md: 2, xl: 3 }} size="small" bordered>
          <Descriptions.Item label={t('exchange.task.resource')}>
            <Link to={`/catalog/resources/${k.resourceId}`}>{k.resourceName}</Link> <Typography.Text type="secondary">{k.resourceCode}</Typography.Text>
          </Descriptions.Item>
          <Descriptions.Item label={t('exchange.task.provider')}>{k.providerDepartmentName}</Descriptions.Item>
          <Descriptions.Item label={t('exchange.topic.keyField')}>
            <Typography.Text code>{k.keyField}</Typography.Text>
          </Descriptions.Item>
          <Descriptions.Item label={t('exchange.topic.fields')}>
            <Space size={[0, 4]} wrap>
              {k.fields.map((f) => (
                <Tag key={f}>{f}</Tag>
              ))}
            </Space>
          </Descriptions.Item>
          <Descriptions.Item label={t('exchange.topic.eventTypes')}>
            <Space size={[0, 4]} wrap>
              {k.eventTypes.map((e) => (
                <Tag key={e} color="blue">
                  {e}
                </Tag>
              ))}
            </Space>
          </Descriptions.Item>
          <Descriptions.Item label={t('exchange.topic.retention')}>{t('exchange.topic.hours', { n: k.retentionHours })}</Descriptions.Item>
          <Descriptions.Item label={t('exchange.topic.lastSeq')}>{k.lastSeq}</Descriptions.Item>
          <Descriptions.Item label={t('exchange.topic.retained')}>{k.eventsRetained}</Descriptions.Item>
          <Descriptions.Item label={t('exchange.task.created')}>
            {fmtTime(k.createdAt)} · {k.createdBy}
          </Descriptions.Item>
        </Descriptions>
      </Card>
      <Card title={t('exchange.topic.subscriptions')}>
        <Table<Subscription>
          rowKey="id"
          size="middle"
          pagination={false}
          columns={columns}
          dataSource={k.subscriptions}
          scroll={{ x: 1380 }}
          onRow={(s) => ({ 'data-testid': 'subscription-row', 'data-node': s.nodeCode, 'data-id': s.id }) as React.HTMLAttributes<HTMLElement>}
          data-testid="subscription-table"
        />
      </Card>
      <SubscribeModal
        topic={k}
        open={subscribing}
        onClose={() => setSubscribing(false)}
        onDone={() => {
          setSubscribing(false);
          topic.reload();
        }}
      />
      {rewinding && (
        <RewindModal
          sub={rewinding}
          onClose={() => setRewinding(null)}
          onDone={() => {
            setRewinding(null);
            topic.reload();
          }}
        />
      )}
    </div>
  );
}

/** 重放: move a subscription's cursor back to the start of the retention window, or on to the newest event. */
function RewindModal({ sub, onClose, onDone }: { sub: Subscription; onClose: () => void; onDone: () => void }) {
  const { t } = useI18n();
  const [form] = Form.useForm<{ from: 'earliest' | 'latest' }>();
  const { busy, submit } = useFormSubmit(form);
  return (
    <FormModal open title={t('exchange.topic.rewindTitle', { node: sub.nodeCode })} form={form} busy={busy} submitTestId="rewind-submit" okText={t('common.confirm')} onCancel={onClose}>
      <Form form={form} layout="vertical" initialValues={{ from: 'earliest' }} onFinish={(v) => submit(() => exchangeApi.rewind(sub.id, v.from), t('common.operationDone'), onDone)}>
        <Form.Item name="from" label={t('exchange.topic.from')}>
          <Radio.Group
            options={(['earliest', 'latest'] as const).map((f) => ({ value: f, label: t(`exchange.topic.from.${f}` as MessageKey) }))}
            data-testid="rewind-from"
          />
        </Form.Item>
      </Form>
    </FormModal>
  );
}
