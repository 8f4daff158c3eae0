import { Alert, App, Button, Card, Descriptions, Space, Spin, Table, Tag, Tooltip, Typography, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PagedTable } from '../../components/PagedTable';
import { PageTitle } from '../../components/PageTitle';
import { useProblem } from '../../components/useProblem';
import { usePaging } from '../../hooks/usePaging';
import { useRequest } from '../../hooks/useRequest';
import { useI18n, type MessageKey } from '../../i18n';
import { fmtTime } from '../../utils/format';
import { exchangeApi, type Batch, type Schedule, type TaskDetail, type TaskTarget } from './api';
import { fmtBytes, ReasonsModal, StatusTag } from './components';
import { EditTaskModal } from './EditTaskModal';
import { ProvenanceDrawer } from './ProvenanceDrawer';
import { TaskCharts } from './TaskCharts';

type Step = 'pause' | 'stop' | null;

/** One task: its status and why, its configuration, its targets, its charts and its batches. */
export default function TaskDetailPage() {
  const { id = '' } = useParams();
  const { t } = useI18n();
  const { message } = App.useApp();
  const showProblem = useProblem();
  const task = useRequest(() => exchangeApi.task(id), [id]);
  // The source agent's own report (checkpoint, last error), when the viewer may see that node.
  const sourceNodeId = task.data?.sourceNodeId;
  const sourceNode = useRequest(() => exchangeApi.node(sourceNodeId!), [sourceNodeId, task.data], !!sourceNodeId);
  const paging = usePaging();
  const { page, pageSize } = paging;
  const [tick, setTick] = useState(0);
  const batches = useRequest(() => exchangeApi.batches(id, { page, pageSize }), [id, page, pageSize, tick]);
  const [step, setStep] = useState<Step>(null);
  const [provenanceOf, setProvenanceOf] = useState<Batch | null>(null);
  const [resuming, setResuming] = useState(false);
  const [editing, setEditing] = useState(false);
  const k = task.data;

  if (task.loading && !k) return <Spin style={{ display: 'block', margin: '80px auto' }} />;
  if (task.error) return <ErrorAlert error={task.error} onRetry={task.reload} />;
  if (!k) return null;

  const report = sourceNode.data?.reported?.[k.id] ?? null;
  const refresh = () => {
    task.reload();
    setTick((n) => n + 1);
  };
  const resume = async () => {
    setResuming(true);
    try {
      await exchangeApi.changeTask(k.id, 'resume');
      message.success(t('common.operationDone'));
      task.reload();
    } catch (e) {
      showProblem(e);
    } finally {
      setResuming(false);
    }
  };

  const targetColumns: TableColumnsType<TaskTarget> = [
    { title: t('exchange.form.targetNode'), key: 'node', width: 200, render: (_v, g) => <Link to={`/exchange/nodes/${g.nodeId}`}>{`${g.nodeName}（${g.nodeCode}）`}</Link> },
    {
      title: t('common.status'),
      key: 'status',
      width: 220,
      render: (_v, g) => (
        <Space orientation="vertical" size={0}>
          <StatusTag kind="targetStatus" value={g.status} testId="target-status" />
          {(g.statusCode || g.statusReason) && (
            <Typography.Text type="danger" style={{ fontSize: 12 }} data-testid="target-status-reason">
              {g.statusCode ? `[${g.statusCode}] ` : ''}
              {g.statusReason}
            </Typography.Text>
          )}
        </Space>
      ),
    },
    { title: t('exchange.task.consumer'), dataIndex: 'consumerDepartmentName', width: 180 },
    { title: t('exchange.task.purpose'), dataIndex: 'purpose', ellipsis: true },
    { title: t('exchange.form.targetTable'), key: 'table', width: 220, render: (_v, g) => <Typography.Text code>{`${g.connection} · ${g.table}`}</Typography.Text> },
    { title: t('exchange.form.mode'), dataIndex: 'mode', width: 100, render: (v: string) => t(`exchange.form.mode.${v}` as MessageKey) },
    { title: t('exchange.form.targetKeys'), dataIndex: 'keyColumns', width: 140, render: (v: string[]) => v.join(', ') || '—' },
  ];

  const batchColumns: TableColumnsType<Batch> = [
    { title: t('exchange.batch.seq'), dataIndex: 'seq', width: 80, render: (v: number) => `#${v}` },
    { title: t('exchange.batch.rows'), dataIndex: 'rowCount', width: 100, align: 'right' },
    { title: t('exchange.batch.bytes'), dataIndex: 'bytes', width: 100, align: 'right', render: (v: number) => fmtBytes(v) },
    { title: t('exchange.batch.receivedAt'), dataIndex: 'receivedAt', width: 170, render: (v: string) => fmtTime(v) },
    {
      title: t('exchange.batch.deliveries'),
      key: 'deliveries',
      render: (_v, b) => (
        <Space size={[4, 4]} wrap>
          {b.deliveries.map((d) => (
            <Tooltip key={d.id} title={d.errorCode ? `${d.errorCode}: ${d.errorMessage ?? ''}` : t('exchange.batch.attempts', { n: d.attempts })}>
              <span>
                <StatusTag kind="deliveryStatus" value={d.status} testId="batch-delivery-status" suffix={<> · {d.nodeCode}</>} />
              </span>
            </Tooltip>
          ))}
        </Space>
      ),
    },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 100,
      render: (_v, b) => (
        <Button type="link" size="small" onClick={() => setProvenanceOf(b)} data-testid="batch-provenance">
          {t('exchange.batch.provenance')}
        </Button>
      ),
    },
  ];

  return (
    <div data-testid="page-exchange-task" data-id={k.id}>
      <PageTitle
        title={
          <Space>
            <span data-testid="task-name">{k.name}</span>
            <StatusTag kind="taskStatus" value={k.status} testId="task-status" />
          </Space>
        }
        extra={
          <Space>
            {k.viewer.manage && (
              <Button onClick={() => setEditing(true)} data-testid="task-edit">
                {t('exchange.task.edit')}
              </Button>
            )}
            {k.viewer.manage && k.status === 'active' && (
              <Button onClick={() => setStep('pause')} data-testid="task-pause">
                {t('exchange.task.pause')}
              </Button>
            )}
            {k.viewer.manage && k.status !== 'active' && (
              <Button type="primary" loading={resuming} onClick={resume} data-testid="task-resume">
                {t('exchange.task.resume')}
              </Button>
            )}
            {k.viewer.manage && k.status !== 'stopped' && (
              <Button danger onClick={() => setStep('stop')} data-testid="task-stop">
                {t('exchange.task.stop')}
              </Button>
            )}
            <Link to={`/exchange/failures?taskId=${k.id}`} data-testid="task-failures-link">
              {t('exchange.failures.ofTask')}
            </Link>
            <Button onClick={refresh} data-testid="task-refresh">
              {t('common.refresh')}
            </Button>
            <Link to="/exchange/tasks">{t('common.back')}</Link>
          </Space>
        }
      />
      <StatusAlert task={k} />
      {report?.lastError && (
        <Alert
          type="error"
          showIcon
          style={{ marginBottom: 16 }}
          title={t('exchange.task.sourceError', { node: k.sourceNodeCode })}
          description={<Typography.Text style={{ whiteSpace: 'pre-wrap' }}>{report.lastError}</Typography.Text>}
          data-testid="task-source-error"
        />
      )}
      <Card style={{ marginBottom: 16 }}>
        <Descriptions column={{ xs: 1, md: 2, xl: 3 }} size="small" bordered>
          <Descriptions.Item label={t('exchange.task.resource')}>
            <Link to={`/catalog/resources/${k.resourceId}`}>{k.resourceName}</Link> <Typography.Text type="secondary">{k.resourceCode}</Typography.Text>
          </Descriptions.Item>
          <Descriptions.Item label={t('exchange.task.provider')}>{k.providerDepartmentName}</Descriptions.Item>
          <Descriptions.Item label={t('exchange.task.sourceNode')}>
            <Link to={`/exchange/nodes/${k.sourceNodeId}`}>{`${k.sourceNodeName}（${k.sourceNodeCode}）`}</Link>
          </Descriptions.Item>
          <Descriptions.Item label={t('exchange.form.source')}>
            <Typography.Text code>{k.source.connection}</Typography.Text> {k.source.table ?? <Typography.Text type="secondary">{t('exchange.form.fromQuery')}</Typography.Text>}
          </Descriptions.Item>
          <Descriptions.Item label={t('exchange.form.keyColumns')}>{k.source.keyColumns.join(', ')}</Descriptions.Item>
          <Descriptions.Item label={t('exchange.form.sync')}>
            {k.source.incremental ? `${t('exchange.form.incremental')} · ${k.source.incremental.column}（${t(`exchange.form.incKind.${k.source.incremental.kind}` as MessageKey)}）` : t('exchange.form.full')}
          </Descriptions.Item>
          <Descriptions.Item label={t('exchange.form.schedule')}>{scheduleText(k.schedule, t)}</Descriptions.Item>
          <Descriptions.Item label={t('exchange.form.strategy')}>
            {t('exchange.task.strategyText', { batch: k.strategy.batchSize, priority: k.strategy.priority, inflight: k.strategy.maxInFlight })}
            {k.source.incremental && ` · ${t('exchange.task.settleText', { seconds: k.strategy.settleSeconds })}`}
            {k.strategy.window && ` · ${k.strategy.window.from}–${k.strategy.window.to}`}
          </Descriptions.Item>
          <Descriptions.Item label={t('exchange.task.checkpoint')}>
            <Typography.Text code data-testid="task-checkpoint">
              {report?.checkpoint ?? '—'}
            </Typography.Text>
          </Descriptions.Item>
          <Descriptions.Item label={t('exchange.task.created')}>
            {fmtTime(k.createdAt)} · {k.createdBy}
          </Descriptions.Item>
          {k.source.query && (
            <Descriptions.Item label={t('exchange.form.query')} span={3}>
              <Typography.Text code style={{ whiteSpace: 'pre-wrap' }}>
                {k.source.query}
              </Typography.Text>
            </Descriptions.Item>
          )}
          <Descriptions.Item label={t('exchange.form.fields')} span={3}>
            <Space size={[4, 4]} wrap>
              {k.fields.map((f) => (
                <Tag key={f.field}>
                  {f.field}
                  {f.column !== f.field && ` ← ${f.column}`}
                  {f.mask && ` · ${t('exchange.task.masked', { start: f.mask.keepStart, end: f.mask.keepEnd })}`}
                </Tag>
              ))}
            </Space>
          </Descriptions.Item>
        </Descriptions>
      </Card>
      <Card title={t('exchange.form.targets')} style={{ marginBottom: 16 }}>
        <Table<TaskTarget>
          rowKey="id"
          size="small"
          pagination={false}
          columns={targetColumns}
          dataSource={k.targets}
          scroll={{ x: 1150 }}
          onRow={(g) => ({ 'data-testid': 'target-row', 'data-node': g.nodeCode, 'data-status': g.status }) as React.HTMLAttributes<HTMLElement>}
          data-testid="task-target-table"
        />
      </Card>
      <TaskCharts taskId={k.id} refresh={tick} />
      <Typography.Title level={5}>{t('exchange.batch.title')}</Typography.Title>
      <PagedTable<Batch>
        list={batches}
        paging={paging}
        columns={batchColumns}
        scroll={{ x: 1000 }}
        rowTestId="batch-row"
        rowData={(b) => ({ 'data-id': b.id, 'data-seq': String(b.seq) })}
        data-testid="task-batch-table"
      />
      <ProvenanceDrawer batch={provenanceOf} onClose={() => setProvenanceOf(null)} />
      {editing && (
        <EditTaskModal
          task={k}
          onClose={() => setEditing(false)}
          onSaved={() => {
            setEditing(false);
            task.reload();
          }}
        />
      )}
      <ReasonsModal
        open={step !== null}
        title={step === 'stop' ? t('exchange.task.stopTitle') : t('exchange.task.pauseTitle')}
        help={step === 'stop' ? t('exchange.task.stopHelp') : t('exchange.task.pauseHelp')}
        okText={step === 'stop' ? t('exchange.task.stop') : t('exchange.task.pause')}
        run={(reasons) => exchangeApi.changeTask(k.id, step!, reasons)}
        onClose={() => setStep(null)}
        onDone={() => {
          setStep(null);
          task.reload();
        }}
        submitTestId="task-step-confirm"
        reasonsTestId="task-step-reasons"
      />
    </div>
  );
}

function scheduleText(s: Schedule, t: ReturnType<typeof useI18n>['t']) {
  if (s.kind === 'continuous') return t('exchange.task.scheduleContinuous', { n: s.pollSeconds });
  if (s.kind === 'interval') return t('exchange.task.scheduleInterval', { n: s.seconds });
  return `${t('exchange.schedule.cron')} · ${s.expression}`;
}

/** Why the task is not running: red when the center stopped it (e.g. GRANT_REVOKED), amber when a person paused it. */
function StatusAlert({ task }: { task: TaskDetail }) {
  const { t } = useI18n();
  if (task.status === 'active' && !task.statusCode) return null;
  const byUser = task.statusCode === 'PAUSED_BY_USER' || task.statusCode === 'STOPPED_BY_USER';
  const title = task.statusCode && !byUser ? t('exchange.task.stoppedBecause', { code: task.statusCode }) : t(`exchange.taskStatus.${task.status}` as MessageKey);
  return (
    <Alert
      type={task.status === 'stopped' && !byUser ? 'error' : 'warning'}
      showIcon
      style={{ marginBottom: 16 }}
      title={title}
      description={task.statusReason ?? undefined}
      data-testid="task-status-alert"
      data-code={task.statusCode ?? ''}
    />
  );
}
