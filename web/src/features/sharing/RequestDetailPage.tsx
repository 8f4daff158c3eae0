import { Button, Card, Checkbox, DatePicker, Descriptions, Form, Radio, Space, Spin, Tag, Timeline, Typography } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { useAuth } from '../../auth/AuthContext';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageTitle } from '../../components/PageTitle';
import { useRequest } from '../../hooks/useRequest';
import { useI18n } from '../../i18n';
import { fmtMinute } from '../../utils/format';
import { sharingApi, type SharingRequest } from './api';
import { Deadline, ReasonsModal, StatusTag } from './components';

type Dialog = 'approve' | 'refuse' | 'escalate' | 'arbitrate' | null;

/** One request: its terms, its clock, what happened, and the step the user may take now. */
export default function RequestDetailPage() {
  const { id = '' } = useParams();
  const { t } = useI18n();
  const { me, can } = useAuth();
  const req = useRequest(() => sharingApi.request(id), [id]);
  const [dialog, setDialog] = useState<Dialog>(null);
  const r = req.data;

  if (req.loading && !r) return <Spin style={{ display: 'block', margin: '80px auto' }} />;
  if (req.error) return <ErrorAlert error={req.error} onRetry={req.reload} />;
  if (!r) return null;

  const isConsumer = me?.departmentId === r.consumerDepartmentId && can('sharing.request');
  const isProvider = me?.departmentId !== r.consumerDepartmentId && can('sharing.decide');
  const canAnswer = r.status === 'pending' && isProvider;
  const canEscalate = isConsumer && (r.status === 'refused' || (r.status === 'pending' && r.overdue));
  const canArbitrate = r.status === 'escalated' && can('sharing.arbitrate');
  const done = () => {
    setDialog(null);
    req.reload();
  };

  return (
    <div data-testid="page-sharing-request" data-id={r.id}>
      <PageTitle
        title={
          <Space>
            {t('sharing.request.title')}
            <StatusTag kind="request" value={r.status} testId="request-status" />
          </Space>
        }
        extra={
          <Space>
            {canAnswer && (
              <>
                <Button type="primary" onClick={() => setDialog('approve')} data-testid="request-approve">
                  {t('sharing.request.approve')}
                </Button>
                <Button danger onClick={() => setDialog('refuse')} data-testid="request-refuse">
                  {t('sharing.request.refuse')}
                </Button>
              </>
            )}
            {canEscalate && (
              <Button onClick={() => setDialog('escalate')} data-testid="request-escalate">
                {t('sharing.request.escalate')}
              </Button>
            )}
            {canArbitrate && (
              <Button type="primary" onClick={() => setDialog('arbitrate')} data-testid="request-arbitrate">
                {t('sharing.request.arbitrate')}
              </Button>
            )}
            <Link to="/sharing/requests">{t('common.back')}</Link>
          </Space>
        }
      />
      <Card style={{ marginBottom: 16 }}>
        <Descriptions column={2} size="small" bordered>
          <Descriptions.Item label={t('sharing.resource')}>
            <Link to={`/sharing/apply/${r.resourceId}`}>{r.resourceName}</Link> <Typography.Text type="secondary">{r.resourceCode}</Typography.Text>
          </Descriptions.Item>
          <Descriptions.Item label={t('sharing.deadline')}>
            <Deadline r={r} testId="request-deadline" />
          </Descriptions.Item>
          <Descriptions.Item label={t('sharing.consumer')}>{r.consumerDepartmentName}</Descriptions.Item>
          <Descriptions.Item label={t('sharing.provider')}>{r.providerDepartmentName}</Descriptions.Item>
          <Descriptions.Item label={t('sharing.fields')} span={2}>
            {r.wholeResource && <Tag color="blue">{t('sharing.apply.whole')}</Tag>}
            {r.fields.map((f) => (
              <Tag key={f} color={r.approvedFields && !r.approvedFields.includes(f) ? 'default' : undefined}>
                {f}
              </Tag>
            ))}
          </Descriptions.Item>
          <Descriptions.Item label={t('sharing.purpose')} span={2}>
            {r.purpose}
          </Descriptions.Item>
          <Descriptions.Item label={t('sharing.dutyBasis')} span={2}>
            {r.dutyBasis}
          </Descriptions.Item>
          <Descriptions.Item label={t('sharing.scopeOfUse')} span={2}>
            {r.scopeOfUse}
          </Descriptions.Item>
          <Descriptions.Item label={t('sharing.period')}>
            {r.validFrom} ~ {r.approvedValidTo ?? r.validTo}
          </Descriptions.Item>
          <Descriptions.Item label={t('sharing.stage')}>{t(`sharing.stage.${r.stage}`)}</Descriptions.Item>
          {r.grantId && (
            <Descriptions.Item label={t('sharing.grant')} span={2}>
              <Link to="/sharing/grants" data-testid="request-grant-link">
                {t('sharing.request.viewGrant')}
              </Link>
            </Descriptions.Item>
          )}
        </Descriptions>
      </Card>
      <Card title={t('sharing.timeline')}>
        <Timeline items={timeline(r, t)} data-testid="request-timeline" />
      </Card>
      <ApproveModal r={r} open={dialog === 'approve'} onClose={() => setDialog(null)} onDone={done} />
      <ReasonsModal
        open={dialog === 'refuse'}
        title={t('sharing.request.refuse')}
        run={(v) => sharingApi.refuse(r.id, v.reasons)}
        onClose={() => setDialog(null)}
        onDone={done}
        submitTestId="request-refuse-confirm"
        reasonsTestId="request-refuse-reasons"
      />
      <ReasonsModal
        open={dialog === 'escalate'}
        title={t('sharing.request.escalate')}
        run={(v) => sharingApi.escalate(r.id, v.reasons)}
        onClose={() => setDialog(null)}
        onDone={done}
        submitTestId="request-escalate-confirm"
        reasonsTestId="request-escalate-reasons"
      />
      <ArbitrateModal id={r.id} open={dialog === 'arbitrate'} onClose={() => setDialog(null)} onDone={done} />
    </div>
  );
}

function timeline(r: SharingRequest, t: ReturnType<typeof useI18n>['t']) {
  const items: { key: string; color?: string; title: string; content: React.ReactNode }[] = [
    { key: 'received', title: fmtMinute(r.receivedAt), content: t('sharing.event.received', { by: r.requestedBy, dept: r.consumerDepartmentName }) },
  ];
  const answered = r.answeredAt ? dayjs(r.answeredAt).format('YYYY-MM-DD') : null;
  for (const [day, n] of [[r.remindAt5, 5], [r.remindAt8, 8]] as const) {
    if (!answered || answered >= day) items.push({ key: `remind${n}`, color: 'gray', title: day, content: t('sharing.event.reminder', { n }) });
  }
  if (r.answeredAt) {
    const approved = r.status === 'approved' || (r.approvedFields !== null && !r.arbitratedAt);
    items.push({
      key: 'answered',
      color: approved ? 'green' : 'red',
      title: fmtMinute(r.answeredAt),
      content: `${t(approved ? 'sharing.event.approved' : 'sharing.event.refused', { by: r.answeredBy ?? '' })}${r.answerReasons ? `：${r.answerReasons}` : ''}`,
    });
  } else if (r.status === 'pending') {
    items.push({ key: 'deadline', color: r.overdue ? 'red' : 'blue', title: r.deadlineDate, content: t(r.overdue ? 'sharing.event.overdue' : 'sharing.event.deadline') });
  }
  if (r.escalatedAt) items.push({ key: 'escalated', color: 'orange', title: fmtMinute(r.escalatedAt), content: `${t('sharing.event.escalated')}：${r.escalationReasons ?? ''}` });
  if (r.arbitratedAt) {
    items.push({
      key: 'arbitrated',
      color: r.status === 'arbitration_approved' ? 'green' : 'red',
      title: fmtMinute(r.arbitratedAt),
      content: `${t(r.status === 'arbitration_approved' ? 'sharing.event.arbitrationApproved' : 'sharing.event.arbitrationRefused', { by: r.arbitratedBy ?? '' })}：${r.arbitrationReasons ?? ''}`,
    });
  }
  return items;
}

/** The provider approves: the fields and the period may only be narrowed. */
function ApproveModal({ r, open, onClose, onDone }: { r: SharingRequest; open: boolean; onClose: () => void; onDone: () => void }) {
  const { t } = useI18n();
  return (
    <ReasonsModal<{ fields: string[]; validTo: dayjs.Dayjs }>
      open={open}
      title={t('sharing.request.approve')}
      optional
      okText={t('sharing.request.approveConfirm')}
      initialValues={{ fields: r.fields, validTo: dayjs(r.validTo) }}
      run={(v) =>
        sharingApi.approve(r.id, {
          fields: v.fields.length === r.fields.length ? undefined : v.fields,
          validTo: v.validTo ? v.validTo.format('YYYY-MM-DD') : undefined,
          reasons: v.reasons?.trim() || undefined,
        })
      }
      onClose={onClose}
      onDone={onDone}
      submitTestId="request-approve-confirm"
      reasonsTestId="request-approve-remarks"
    >
      <Form.Item name="fields" label={t('sharing.request.approvedFields')} extra={t('sharing.request.narrowHelp')} rules={[{ required: true, message: t('sharing.apply.fieldsRequired') }]}>
        <Checkbox.Group options={r.fields.map((f) => ({ value: f, label: f }))} data-testid="request-approve-fields" />
      </Form.Item>
      <Form.Item name="validTo" label={t('sharing.request.approvedValidTo')}>
        <DatePicker disabledDate={(d) => d.isAfter(dayjs(r.validTo), 'day') || d.isBefore(dayjs(), 'day')} data-testid="request-approve-valid-to" />
      </Form.Item>
    </ReasonsModal>
  );
}

/** The sharing authority decides an escalated request; final. */
export function ArbitrateModal({ id, open, onClose, onDone }: { id: string; open: boolean; onClose: () => void; onDone: () => void }) {
  const { t } = useI18n();
  return (
    <ReasonsModal<{ decision: 'approve' | 'refuse' }>
      open={open}
      title={t('sharing.request.arbitrate')}
      initialValues={{ decision: 'approve' }}
      run={(v) => sharingApi.arbitrate(id, { decision: v.decision, reasons: v.reasons })}
      onClose={onClose}
      onDone={onDone}
      submitTestId="request-arbitrate-confirm"
      reasonsTestId="request-arbitrate-reasons"
    >
      <Form.Item name="decision" label={t('sharing.decision')}>
        <Radio.Group data-testid="request-arbitrate-decision">
          <Radio value="approve">{t('sharing.arbitration.approve')}</Radio>
          <Radio value="refuse">{t('sharing.arbitration.refuse')}</Radio>
        </Radio.Group>
      </Form.Item>
    </ReasonsModal>
  );
}
