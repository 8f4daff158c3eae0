import { Button, DatePicker, Form, Radio, Select, Tabs, type TableColumnsType } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { useAuth } from '../../auth/AuthContext';
import { FilterCard } from '../../components/FilterCard';
import { PagedTable } from '../../components/PagedTable';
import { PageTitle } from '../../components/PageTitle';
import { usePaging } from '../../hooks/usePaging';
import { useRequest } from '../../hooks/useRequest';
import { useI18n, type MessageKey } from '../../i18n';
import { fmtMinute } from '../../utils/format';
import { sharingApi, type Escalation, type EscalationStatus, type SharingRequest } from './api';
import { FocusCard, ReasonsModal, ResourceCell, StatusTag } from './components';
import { ArbitrateModal } from './RequestDetailPage';

const STATUSES: EscalationStatus[] = ['open', 'upheld', 'share_ordered'];

/**
 * 争议与仲裁: objections to not-shared resources (the authority upholds or orders sharing) and
 * refusals taken to the authority (it arbitrates, finally). Consumers and providers see theirs.
 */
export default function EscalationsPage() {
  const { t } = useI18n();
  const [params, setParams] = useSearchParams();
  const tab = params.get('tab') === 'refusals' ? 'refusals' : 'escalations';
  return (
    <div data-testid="page-sharing-escalations">
      <PageTitle title={t('sharing.escalations.title')} />
      <FocusCard
        load={sharingApi.escalation}
        status={(e) => <StatusTag kind="escalation" value={e.status} />}
        facts={(e) => [
          [t('sharing.escalation.reasons'), e.reasons],
          [t('sharing.escalation.answer'), e.answerReasons ?? '—'],
          ...(e.dutyId ? ([[t('sharing.escalation.duty'), <Link key="d" to={`/sharing/duties/${e.dutyId}`}>{t('common.details')}</Link>]] as [string, React.ReactNode][]) : []),
        ]}
        listPath="/sharing/escalations"
        testId="escalation-focus"
      />
      <Tabs
        activeKey={tab}
        onChange={(k) => setParams({ tab: k })}
        items={[
          { key: 'escalations', label: <span data-testid="escalations-tab-not-shared">{t('sharing.tab.notShared')}</span>, children: <NotSharedList /> },
          { key: 'refusals', label: <span data-testid="escalations-tab-refusals">{t('sharing.tab.refusals')}</span>, children: <RefusalList /> },
        ]}
      />
    </div>
  );
}

function NotSharedList() {
  const { t } = useI18n();
  const { can } = useAuth();
  const [filterForm] = Form.useForm<{ status?: EscalationStatus }>();
  const [status, setStatus] = useState<EscalationStatus | undefined>();
  const paging = usePaging();
  const { page, pageSize } = paging;
  const [answering, setAnswering] = useState<Escalation | null>(null);
  const list = useRequest(() => sharingApi.escalations({ page, pageSize, status }), [status, page, pageSize]);
  const columns: TableColumnsType<Escalation> = [
    { title: t('sharing.resource'), key: 'resource', width: 220, render: (_v, e) => <ResourceCell code={e.resourceCode} name={e.resourceName} /> },
    { title: t('sharing.consumer'), dataIndex: 'consumerDepartmentName', width: 170 },
    { title: t('sharing.provider'), dataIndex: 'providerDepartmentName', width: 170 },
    { title: t('sharing.escalation.reasons'), dataIndex: 'reasons', ellipsis: true },
    { title: t('sharing.escalation.createdAt'), dataIndex: 'createdAt', width: 150, render: (v: string) => fmtMinute(v) },
    { title: t('common.status'), dataIndex: 'status', width: 110, render: (v: EscalationStatus) => <StatusTag kind="escalation" value={v} /> },
    {
      title: t('sharing.escalation.answer'),
      key: 'answer',
      width: 220,
      ellipsis: true,
      render: (_v, e) => (e.answerReasons ? <>{e.answerReasons}{e.dutyId && <> · <Link to={`/sharing/duties/${e.dutyId}`}>{t('sharing.escalation.duty')}</Link></>}</> : '—'),
    },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 90,
      fixed: 'right',
      render: (_v, e) =>
        e.status === 'open' && can('sharing.arbitrate') ? (
          <Button type="link" size="small" onClick={() => setAnswering(e)} data-testid="escalation-answer">
            {t('sharing.escalation.answerAction')}
          </Button>
        ) : null,
    },
  ];
  return (
    <>
      <FilterCard<{ status?: EscalationStatus }>
        form={filterForm}
        onSearch={(v) => {
          paging.setPage(1);
          setStatus(v.status);
        }}
        onReset={() => {
          filterForm.resetFields();
          paging.setPage(1);
          setStatus(undefined);
        }}
        searchTestId="escalations-search"
      >
        <Form.Item name="status" label={t('common.status')}>
          <Select allowClear placeholder={t('common.all')} style={{ width: 140 }} options={STATUSES.map((s) => ({ value: s, label: t(`sharing.escalationStatus.${s}` as MessageKey) }))} data-testid="escalations-filter-status" />
        </Form.Item>
      </FilterCard>
      <PagedTable<Escalation>
        list={list}
        paging={paging}
        columns={columns}
        scroll={{ x: 1400 }}
        rowTestId="escalation-row"
        rowData={(e) => ({ 'data-id': e.id, 'data-status': e.status })}
        data-testid="escalation-table"
      />
      <AnswerModal
        escalation={answering}
        onClose={() => setAnswering(null)}
        onDone={() => {
          setAnswering(null);
          list.reload();
        }}
      />
    </>
  );
}

function AnswerModal({ escalation, onClose, onDone }: { escalation: Escalation | null; onClose: () => void; onDone: () => void }) {
  const { t } = useI18n();
  return (
    <ReasonsModal<{ decision: 'upheld' | 'share_ordered'; dueDate?: Dayjs }>
      open={!!escalation}
      title={t('sharing.escalation.answerTitle', { name: escalation?.resourceName ?? '' })}
      initialValues={{ decision: 'upheld' }}
      run={(v) => sharingApi.answerEscalation(escalation!.id, { decision: v.decision, reasons: v.reasons, dueDate: v.decision === 'share_ordered' ? v.dueDate?.format('YYYY-MM-DD') : undefined })}
      onClose={onClose}
      onDone={onDone}
      submitTestId="escalation-answer-confirm"
      reasonsTestId="escalation-answer-reasons"
    >
      <Form.Item name="decision" label={t('sharing.decision')} extra={t('sharing.escalation.decisionHelp')}>
        <Radio.Group data-testid="escalation-answer-decision">
          <Radio value="upheld">{t('sharing.escalationStatus.upheld')}</Radio>
          <Radio value="share_ordered">{t('sharing.escalationStatus.share_ordered')}</Radio>
        </Radio.Group>
      </Form.Item>
      <Form.Item noStyle shouldUpdate={(a, b) => a.decision !== b.decision}>
        {({ getFieldValue }) =>
          getFieldValue('decision') === 'share_ordered' && (
            <Form.Item name="dueDate" label={t('sharing.dueDate')} rules={[{ required: true, message: t('sharing.required') }]}>
              <DatePicker disabledDate={(d) => d.isBefore(dayjs(), 'day')} data-testid="escalation-answer-due" />
            </Form.Item>
          )
        }
      </Form.Item>
    </ReasonsModal>
  );
}

function RefusalList() {
  const { t } = useI18n();
  const { can } = useAuth();
  const paging = usePaging();
  const { page, pageSize } = paging;
  const [arbitrating, setArbitrating] = useState<string | null>(null);
  const list = useRequest(() => sharingApi.requests({ status: 'escalated', role: can('sharing.arbitrate') ? 'authority' : undefined, page, pageSize }), [page, pageSize]);
  const columns: TableColumnsType<SharingRequest> = [
    { title: t('sharing.resource'), key: 'resource', width: 220, render: (_v, r) => <ResourceCell code={r.resourceCode} name={r.resourceName} /> },
    { title: t('sharing.consumer'), dataIndex: 'consumerDepartmentName', width: 170 },
    { title: t('sharing.provider'), dataIndex: 'providerDepartmentName', width: 170 },
    { title: t('sharing.request.refusal'), dataIndex: 'answerReasons', ellipsis: true, render: (v: string | null) => v ?? t('sharing.event.overdue') },
    { title: t('sharing.escalation.reasons'), dataIndex: 'escalationReasons', ellipsis: true },
    { title: t('sharing.escalation.createdAt'), dataIndex: 'escalatedAt', width: 150, render: (v: string) => fmtMinute(v) },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 150,
      fixed: 'right',
      render: (_v, r) => (
        <>
          <Link to={`/sharing/requests/${r.id}`} style={{ marginRight: 8 }}>
            {t('common.details')}
          </Link>
          {can('sharing.arbitrate') && (
            <Button type="link" size="small" onClick={() => setArbitrating(r.id)} data-testid="escalation-arbitrate">
              {t('sharing.request.arbitrate')}
            </Button>
          )}
        </>
      ),
    },
  ];
  return (
    <>
      <PagedTable<SharingRequest>
        list={list}
        paging={paging}
        columns={columns}
        scroll={{ x: 1300 }}
        rowTestId="refusal-row"
        rowData={(r) => ({ 'data-id': r.id })}
        data-testid="refusal-table"
      />
      <ArbitrateModal
        id={arbitrating ?? ''}
        open={!!arbitrating}
        onClose={() => setArbitrating(null)}
        onDone={() => {
          setArbitrating(null);
          list.reload();
        }}
      />
    </>
  );
}
