import { App, Button, Card, Descriptions, Empty, Form, Input, Modal, Popconfirm, Select, Space, Spin, Table, Typography, type TableColumnsType } from 'antd';
import { useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { useAuth } from '../../auth/AuthContext';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageTitle } from '../../components/PageTitle';
import { useProblem } from '../../components/useProblem';
import { useRequest } from '../../hooks/useRequest';
import { useI18n } from '../../i18n';
import { fmtDate, fmtTime } from '../../utils/format';
import { rowProps, tid } from '../../utils/testid';
import { catalogApi, type Change, type Version } from './api';
import { FieldsTable } from './FieldsTable';
import { label, OpenTag, ShareTag, StatusTag } from './labels';
import { ReviewModal } from './ReviewModal';

const PRE = { margin: 0, padding: 6, whiteSpace: 'pre-wrap', wordBreak: 'break-all', fontSize: 12 } as const;
const show = (v: unknown) => (v === null || v === undefined ? '—' : typeof v === 'string' ? v : JSON.stringify(v, null, 2));

/** One catalog entry: the 13 elements, its fields, versions and diff, and what the user may do with it. */
export default function CatalogDetailPage() {
  const { id = '' } = useParams();
  const { t } = useI18n();
  const { me } = useAuth();
  const { message } = App.useApp();
  const showProblem = useProblem();
  const navigate = useNavigate();
  const detail = useRequest(() => catalogApi.get(id), [id]);
  const versions = useRequest(() => catalogApi.versions(id), [id]);
  const subs = useRequest(() => catalogApi.subscriptions({ page: 1, pageSize: 500 }), [id]);
  const [withdrawing, setWithdrawing] = useState(false);
  const [reviewing, setReviewing] = useState(false);
  const [withdrawForm] = Form.useForm<{ reasons: string }>();
  const [diffRange, setDiffRange] = useState<{ from?: number; to?: number }>({});
  const [diff, setDiff] = useState<Change[] | null>(null);
  const [busy, setBusy] = useState(false);

  const r = detail.data;
  const c = r?.version.content;
  const vs = versions.data?.items ?? [];

  useEffect(() => {
    if (vs.length) setDiffRange({ from: vs[Math.min(1, vs.length - 1)].version, to: vs[0].version });
    setDiff(null);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [versions.data]);

  const reload = () => {
    detail.reload();
    versions.reload();
    subs.reload();
  };

  const act = async (fn: () => Promise<unknown>, after?: () => void) => {
    setBusy(true);
    try {
      await fn();
      message.success(t('catalog.detail.done'));
      after?.();
      reload();
    } catch (e) {
      showProblem(e);
    } finally {
      setBusy(false);
    }
  };

  if (detail.error) return <ErrorAlert error={detail.error} onRetry={detail.reload} />;
  if (!r || !c) return <Spin />;

  const isOwn = r.providerDepartmentId === me?.departmentId;
  // The server says what this user may do to this entry (its department inside the user's scope).
  const isProvider = r.viewer.manage;
  const isReviewer = r.viewer.review;
  const isPublic = r.publishedVersion !== null && r.status !== 'withdrawn';
  const subscribed = (subs.data?.items ?? []).some((s) => s.resourceId === r.id);

  const actions = (
    <Space wrap>
      {isPublic && !isOwn && c.share.type !== 'none' && (
        <Link to={`/sharing/apply/${r.id}`} data-testid="catalog-apply">
          <Button type="primary">{c.share.type === 'unconditional' ? t('catalog.detail.obtain') : t('catalog.detail.apply')}</Button>
        </Link>
      )}
      {isPublic && !isOwn && (
        <Button
          loading={busy}
          onClick={() => act(() => (subscribed ? catalogApi.unsubscribe(r.id) : catalogApi.subscribe(r.id)))}
          data-testid={subscribed ? 'catalog-unsubscribe' : 'catalog-subscribe'}
        >
          {subscribed ? t('catalog.detail.unsubscribe') : t('catalog.detail.subscribe')}
        </Button>
      )}
      {isProvider && (r.status === 'draft' || r.status === 'returned') && (
        <>
          <Button onClick={() => navigate(`/catalog/resources/${r.id}/edit`)} data-testid="catalog-edit">
            {t('catalog.detail.edit')}
          </Button>
          <Button type="primary" loading={busy} onClick={() => act(() => catalogApi.submit(r.id))} data-testid="catalog-submit">
            {t('catalog.detail.submit')}
          </Button>
        </>
      )}
      {isProvider && r.status === 'published' && (
        <Popconfirm title={t('catalog.detail.reviseConfirm')} onConfirm={() => act(() => catalogApi.revise(r.id), () => navigate(`/catalog/resources/${r.id}/edit`))}>
          <Button loading={busy} data-testid="catalog-revise">
            {t('catalog.detail.revise')}
          </Button>
        </Popconfirm>
      )}
      {isReviewer && r.status === 'submitted' && (
        <Button type="primary" onClick={() => setReviewing(true)} data-testid="catalog-review">
          {t('catalog.review.open')}
        </Button>
      )}
      {(isProvider || isReviewer) && r.status !== 'withdrawn' && (
        <Button danger onClick={() => setWithdrawing(true)} data-testid="catalog-withdraw">
          {t('catalog.detail.withdraw')}
        </Button>
      )}
    </Space>
  );

  const versionColumns: TableColumnsType<Version> = [
    { title: t('catalog.version'), dataIndex: 'version', width: 70, render: (v: number) => `v${v}` },
    { title: t('catalog.status'), dataIndex: 'state', width: 100, render: (v: string) => <StatusTag status={v} /> },
    { title: t('catalog.detail.createdBy'), dataIndex: 'createdBy', width: 160, render: (v: string | null) => v ?? '—' },
    { title: t('common.createdAt'), dataIndex: 'createdAt', width: 170, render: (v: string) => fmtTime(v) },
    { title: t('catalog.detail.submittedAt'), dataIndex: 'submittedAt', width: 170, render: (v: string | null) => fmtTime(v) },
    { title: t('catalog.detail.reviewedBy'), dataIndex: 'reviewedBy', width: 160, render: (v: string | null) => v ?? '—' },
    { title: t('catalog.detail.reviewedAt'), dataIndex: 'reviewedAt', width: 170, render: (v: string | null) => fmtTime(v) },
    { title: t('catalog.detail.reviewNote'), dataIndex: 'reviewNote', render: (v: string | null) => v ?? '' },
  ];

  const versionOptions = vs.map((v) => ({ value: v.version, label: `v${v.version} · ${label(t, 'status', v.state)}` }));

  return (
    <div data-testid="page-catalog-detail">
      <PageTitle
        title={
          <Space wrap>
            <span>{c.name}</span>
            <StatusTag status={r.status} testId="entry-status" />
          </Space>
        }
        extra={actions}
      />
      <Card title={t('catalog.detail.elements')} style={{ marginBottom: 16 }} extra={<Typography.Text type="secondary">{t('catalog.detail.showingVersion', { version: r.version.version, state: label(t, 'status', r.version.state) })}</Typography.Text>}>
        <Descriptions bordered size="small" column={{ xs: 1, md: 2 }}>
          <Descriptions.Item label={t('catalog.classification')}>
            {r.classificationCode} {r.classificationName}
            {r.isBase && <Typography.Text type="secondary">（{t('catalog.base')}）</Typography.Text>}
          </Descriptions.Item>
          <Descriptions.Item label={t('catalog.name')}>{c.name}</Descriptions.Item>
          <Descriptions.Item label={t('catalog.code')}>
            <Typography.Text code data-testid="entry-code">
              {r.code}
            </Typography.Text>
          </Descriptions.Item>
          <Descriptions.Item label={t('catalog.provider')}>{r.providerDepartmentName}</Descriptions.Item>
          <Descriptions.Item label={t('catalog.providerUnit')}>{c.providerUnit || '—'}</Descriptions.Item>
          <Descriptions.Item label={t('catalog.providerCode')}>{r.providerCode}</Descriptions.Item>
          <Descriptions.Item label={t('catalog.summary')} span={2}>
            {c.summary}
          </Descriptions.Item>
          <Descriptions.Item label={t('catalog.format')}>
            {label(t, 'formatKind', c.format.kind)}
            {c.format.detail ? `（${c.format.detail}）` : ''}
          </Descriptions.Item>
          <Descriptions.Item label={t('catalog.updateCycle')}>{label(t, 'cycle', c.updateCycle)}</Descriptions.Item>
          <Descriptions.Item label={t('catalog.share')} span={2}>
            <Space orientation="vertical" size={2}>
              <Space wrap>
                <ShareTag type={c.share.type} />
                {c.share.modes.length ? c.share.modes.map((m) => label(t, 'mode', m)).join('、') : t('catalog.detail.modeNone')}
              </Space>
              {c.share.conditions && (
                <span>
                  {t('catalog.shareConditions')}：{c.share.conditions}
                </span>
              )}
              {c.share.legalBasis && (
                <span data-testid="entry-legal-basis-view">
                  {t('catalog.legalBasis')}：{c.share.legalBasis}
                </span>
              )}
            </Space>
          </Descriptions.Item>
          <Descriptions.Item label={t('catalog.open')} span={2}>
            <Space wrap>
              <OpenTag type={c.open.type} />
              {c.open.conditions}
            </Space>
          </Descriptions.Item>
          <Descriptions.Item label={t('catalog.publishedAt')}>{r.publishedAt ? fmtDate(r.publishedAt) : t('catalog.browse.notPublished')}</Descriptions.Item>
          <Descriptions.Item label={t('catalog.related')}>
            {c.relatedResourceCodes.length ? (
              <Space wrap>
                {c.relatedResourceCodes.map((code) => (
                  <Link key={code} to={`/catalog?q=${encodeURIComponent(code)}`}>
                    <Typography.Text code>{code}</Typography.Text>
                  </Link>
                ))}
              </Space>
            ) : (
              '—'
            )}
          </Descriptions.Item>
        </Descriptions>
      </Card>
      <Card title={`${t('catalog.fields')}（${c.fields.length}）`} style={{ marginBottom: 16 }}>
        <FieldsTable content={c} />
      </Card>
      <Card title={t('catalog.detail.versions')} style={{ marginBottom: 16 }}>
        {versions.error && <ErrorAlert error={versions.error} onRetry={versions.reload} />}
        <Table<Version>
          rowKey="version"
          size="small"
          loading={versions.loading}
          columns={versionColumns}
          dataSource={vs}
          pagination={false}
          scroll={{ x: 1200 }}
          onRow={(v) => rowProps(`version-row-${v.version}`)}
          data-testid="catalog-versions"
        />
        {vs.length > 1 && (
          <div style={{ marginTop: 16 }}>
            <Space wrap>
              <Typography.Text strong>{t('catalog.detail.diff')}</Typography.Text>
              <span>{t('catalog.detail.diffFrom')}</span>
              <Select style={{ width: 150 }} value={diffRange.from} onChange={(v) => setDiffRange((d) => ({ ...d, from: v }))} options={versionOptions} data-testid="diff-from" />
              <span>{t('catalog.detail.diffTo')}</span>
              <Select style={{ width: 150 }} value={diffRange.to} onChange={(v) => setDiffRange((d) => ({ ...d, to: v }))} options={versionOptions} data-testid="diff-to" />
              <Button
                onClick={async () => {
                  try {
                    setDiff((await catalogApi.diff(r.id, diffRange.from!, diffRange.to!)).changes);
                  } catch (e) {
                    showProblem(e);
                  }
                }}
                disabled={!diffRange.from || !diffRange.to}
                data-testid="diff-compare"
              >
                {t('catalog.detail.compare')}
              </Button>
            </Space>
            {diff &&
              (diff.length === 0 ? (
                <Empty style={{ marginTop: 12 }} image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('catalog.detail.noChanges')} />
              ) : (
                <Table<Change>
                  style={{ marginTop: 12 }}
                  rowKey="path"
                  size="small"
                  pagination={false}
                  dataSource={diff}
                  columns={[
                    { title: t('catalog.detail.changePath'), dataIndex: 'path', width: 200, render: (v: string) => <Typography.Text code>{v}</Typography.Text> },
                    { title: t('catalog.detail.before'), dataIndex: 'before', render: (v: unknown) => <pre style={{ ...PRE, background: '#fff1f0' }}>{show(v)}</pre> },
                    { title: t('catalog.detail.after'), dataIndex: 'after', render: (v: unknown) => <pre style={{ ...PRE, background: '#f6ffed' }}>{show(v)}</pre> },
                  ]}
                  onRow={(ch) => rowProps('diff-row', { 'data-path': ch.path })}
                  data-testid="diff-table"
                />
              ))}
          </div>
        )}
      </Card>
      <Modal
        open={withdrawing}
        title={t('catalog.detail.withdraw')}
        onCancel={() => setWithdrawing(false)}
        onOk={() => withdrawForm.submit()}
        okButtonProps={tid('withdraw-confirm', { danger: true, loading: busy })}
        destroyOnHidden
      >
        <Typography.Paragraph type="secondary">{t('catalog.detail.withdrawConfirm')}</Typography.Paragraph>
        <Form form={withdrawForm} layout="vertical" onFinish={(v) => act(() => catalogApi.withdraw(r.id, v.reasons.trim()), () => setWithdrawing(false))}>
          <Form.Item name="reasons" label={t('catalog.detail.withdrawReasons')} rules={[{ required: true, whitespace: true, message: t('catalog.editor.required', { label: t('catalog.detail.withdrawReasons') }) }]}>
            <Input.TextArea rows={3} maxLength={2000} data-testid="withdraw-reasons" />
          </Form.Item>
        </Form>
      </Modal>
      <ReviewModal
        resource={reviewing ? r : null}
        onClose={() => setReviewing(false)}
        onDone={() => {
          setReviewing(false);
          reload();
        }}
      />
    </div>
  );
}
