import { Button, Form, Input, Radio, Select, Space, Tabs, Tag, Typography, type TableColumnsType } from 'antd';
import { useMemo, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { useAuth } from '../../auth/AuthContext';
import { CreateButton } from '../../components/CreateButton';
import { FilterCard } from '../../components/FilterCard';
import { FormModal } from '../../components/FormModal';
import { PagedTable } from '../../components/PagedTable';
import { PageTitle } from '../../components/PageTitle';
import { useFormSubmit } from '../../hooks/useFormSubmit';
import { usePaging } from '../../hooks/usePaging';
import { useRequest } from '../../hooks/useRequest';
import { useI18n, type MessageKey } from '../../i18n';
import { fmtMinute } from '../../utils/format';
import { sharingApi, type Dispute, type DisputeStatus, type Role } from './api';
import { FocusCard, ReasonsModal, ResourceCell, StatusTag, useRoleTabs } from './components';

const STATUSES: DisputeStatus[] = ['open', 'corrected', 'rejected'];
const TAB_LABEL: Record<Role, MessageKey> = { consumer: 'sharing.tab.raised', provider: 'sharing.tab.toAnswer', authority: 'sharing.tab.all' };

interface Filters {
  status?: DisputeStatus;
  overdue?: 'true' | 'false';
}

/** 疑义校核 (R-SHR-5): raise a doubt about a record, the provider answers within its working days. */
export default function DisputesPage() {
  const { t } = useI18n();
  const { can } = useAuth();
  const tabs = useRoleTabs();
  const [params, setParams] = useSearchParams();
  const role = (params.get('tab') as Role | null) ?? tabs[0]?.key ?? 'consumer';
  const [filterForm] = Form.useForm<Filters>();
  const [filters, setFilters] = useState<Filters>({});
  const paging = usePaging();
  const { page, pageSize } = paging;
  const [raising, setRaising] = useState(false);
  const [answering, setAnswering] = useState<Dispute | null>(null);
  const list = useRequest(() => sharingApi.disputes({ role, page, pageSize, ...filters }), [role, filters, page, pageSize]);

  const columns: TableColumnsType<Dispute> = [
    { title: t('sharing.resource'), key: 'resource', width: 200, render: (_v, d) => <ResourceCell code={d.resourceCode} name={d.resourceName} /> },
    { title: t('sharing.dispute.recordKey'), dataIndex: 'recordKey', width: 180, render: (v: string) => <Typography.Text code>{v}</Typography.Text> },
    { title: t('sharing.dispute.field'), key: 'field', width: 140, render: (_v, d) => `${d.fieldName} (${d.field})` },
    { title: t('sharing.dispute.issue'), dataIndex: 'issue', ellipsis: true },
    { title: t('sharing.consumer'), dataIndex: 'consumerDepartmentName', width: 160 },
    { title: t('sharing.provider'), dataIndex: 'providerDepartmentName', width: 160 },
    { title: t('common.status'), dataIndex: 'status', width: 100, render: (v: DisputeStatus) => <StatusTag kind="dispute" value={v} /> },
    {
      title: t('sharing.dueDate'),
      key: 'due',
      width: 150,
      render: (_v, d) => (
        <Space size={4}>
          <Typography.Text type={d.overdue ? 'danger' : undefined}>{d.dueDate}</Typography.Text>
          {d.overdue && <Tag color="error">{t('sharing.overdue')}</Tag>}
          {d.answeredLate && <Tag color="warning">{t('sharing.dispute.late')}</Tag>}
        </Space>
      ),
    },
    { title: t('sharing.dispute.raisedAt'), dataIndex: 'raisedAt', width: 150, render: (v: string) => fmtMinute(v) },
    { title: t('sharing.dispute.answer'), dataIndex: 'answerReasons', width: 180, ellipsis: true, render: (v: string | null) => v ?? '—' },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 90,
      fixed: 'right',
      render: (_v, d) =>
        role === 'provider' && d.status === 'open' ? (
          <Button type="link" size="small" onClick={() => setAnswering(d)} data-testid="dispute-answer">
            {t('sharing.dispute.answerAction')}
          </Button>
        ) : null,
    },
  ];

  const search = (v: Filters) => {
    paging.setPage(1);
    setFilters({ status: v.status, overdue: v.overdue });
  };

  return (
    <div data-testid="page-sharing-disputes">
      <PageTitle
        title={t('sharing.disputes.title')}
        extra={
          can('sharing.request') && (
            <CreateButton onClick={() => setRaising(true)} testId="dispute-raise">
              {t('sharing.dispute.raise')}
            </CreateButton>
          )
        }
      />
      <FocusCard
        load={sharingApi.dispute}
        status={(d) => <StatusTag kind="dispute" value={d.status} />}
        facts={(d) => [
          [t('sharing.dispute.recordKey'), d.recordKey],
          [t('sharing.dispute.field'), `${d.fieldName} (${d.field})`],
          [t('sharing.dispute.issue'), d.issue],
          [t('sharing.dispute.evidence'), d.evidence],
          [t('sharing.dueDate'), d.dueDate],
          [t('sharing.dispute.answer'), d.answerReasons ?? '—'],
        ]}
        listPath="/sharing/disputes"
        testId="dispute-focus"
      />
      <Tabs
        activeKey={role}
        onChange={(k) => {
          paging.setPage(1);
          setParams({ tab: k });
        }}
        items={tabs.map((tab) => ({ key: tab.key, label: <span data-testid={`disputes-tab-${tab.key}`}>{t(TAB_LABEL[tab.key])}</span> }))}
      />
      <FilterCard<Filters>
        form={filterForm}
        onSearch={search}
        onReset={() => {
          filterForm.resetFields();
          search({});
        }}
        searchTestId="disputes-search"
      >
        <Form.Item name="status" label={t('common.status')}>
          <Select allowClear placeholder={t('common.all')} style={{ width: 140 }} options={STATUSES.map((s) => ({ value: s, label: t(`sharing.disputeStatus.${s}` as MessageKey) }))} data-testid="disputes-filter-status" />
        </Form.Item>
        <Form.Item name="overdue" label={t('sharing.overdue')}>
          <Select
            allowClear
            placeholder={t('common.all')}
            style={{ width: 120 }}
            options={[
              { value: 'true', label: t('sharing.overdueOnly') },
              { value: 'false', label: t('sharing.notOverdue') },
            ]}
            data-testid="disputes-filter-overdue"
          />
        </Form.Item>
      </FilterCard>
      <PagedTable<Dispute>
        list={list}
        paging={paging}
        columns={columns}
        scroll={{ x: 1700 }}
        rowTestId="dispute-row"
        rowData={(d) => ({ 'data-id': d.id, 'data-status': d.status })}
        data-testid="dispute-table"
      />
      <RaiseDisputeModal
        open={raising}
        onClose={() => setRaising(false)}
        onDone={() => {
          setRaising(false);
          if (role !== 'consumer') setParams({ tab: 'consumer' });
          list.reload();
        }}
      />
      <ReasonsModal<{ outcome: 'corrected' | 'rejected' }>
        open={!!answering}
        title={t('sharing.dispute.answerAction')}
        optional
        initialValues={{ outcome: 'corrected' }}
        run={(v) => sharingApi.answerDispute(answering!.id, { outcome: v.outcome, reasons: v.reasons?.trim() || undefined })}
        onClose={() => setAnswering(null)}
        onDone={() => {
          setAnswering(null);
          list.reload();
        }}
        submitTestId="dispute-answer-confirm"
        reasonsTestId="dispute-answer-reasons"
      >
        <Form.Item name="outcome" label={t('sharing.dispute.outcome')} extra={t('sharing.dispute.outcomeHelp')}>
          <Radio.Group data-testid="dispute-answer-outcome">
            <Radio value="corrected">{t('sharing.disputeStatus.corrected')}</Radio>
            <Radio value="rejected">{t('sharing.disputeStatus.rejected')}</Radio>
          </Radio.Group>
        </Form.Item>
      </ReasonsModal>
    </div>
  );
}

interface RaiseValues {
  grantId: string;
  recordKey: string;
  field: string;
  issue: string;
  evidence: string;
}

/** The consumer flags a record of a resource it holds a grant in force for. */
function RaiseDisputeModal({ open, onClose, onDone }: { open: boolean; onClose: () => void; onDone: () => void }) {
  const { t } = useI18n();
  const [form] = Form.useForm<RaiseValues>();
  const { busy, submit } = useFormSubmit(form);
  const grants = useRequest(() => sharingApi.grants({ role: 'consumer', status: 'active', pageSize: 100 }), [open], open);
  const grantId = Form.useWatch('grantId', form);
  const chosen = useMemo(() => grants.data?.items.find((g) => g.id === grantId), [grants.data, grantId]);
  return (
    <FormModal open={open} title={t('sharing.dispute.raise')} form={form} busy={busy} submitTestId="dispute-raise-submit" okText={t('common.submit')} onCancel={onClose} afterClose={() => form.resetFields()}>
      <Form<RaiseValues>
        form={form}
        layout="vertical"
        onFinish={(v) =>
          submit(
            () => sharingApi.raiseDispute({ resourceId: chosen!.resourceId, recordKey: v.recordKey, field: v.field, issue: v.issue, evidence: v.evidence }),
            t('sharing.dispute.raised'),
            onDone,
          )
        }
      >
        <Form.Item name="grantId" label={t('sharing.dispute.resource')} rules={[{ required: true, message: t('sharing.required') }]} extra={t('sharing.dispute.resourceHelp')}>
          <Select
            loading={grants.loading}
            options={(grants.data?.items ?? []).map((g) => ({ value: g.id, label: `${g.resourceName}（${g.providerDepartmentName}）` }))}
            onChange={() => form.setFieldValue('field', undefined)}
            data-testid="dispute-resource"
          />
        </Form.Item>
        <Form.Item name="recordKey" label={t('sharing.dispute.recordKey')} rules={[{ required: true, whitespace: true, message: t('sharing.required') }]}>
          <Input maxLength={500} data-testid="dispute-record-key" />
        </Form.Item>
        <Form.Item name="field" label={t('sharing.dispute.field')} rules={[{ required: true, message: t('sharing.required') }]}>
          <Select options={(chosen?.fields ?? []).map((f) => ({ value: f, label: f }))} disabled={!chosen} data-testid="dispute-field" />
        </Form.Item>
        <Form.Item name="issue" label={t('sharing.dispute.issue')} rules={[{ required: true, whitespace: true, message: t('sharing.required') }]}>
          <Input.TextArea rows={3} maxLength={2000} data-testid="dispute-issue" />
        </Form.Item>
        <Form.Item name="evidence" label={t('sharing.dispute.evidence')} rules={[{ required: true, whitespace: true, message: t('sharing.required') }]}>
          <Input.TextArea rows={3} maxLength={4000} data-testid="dispute-evidence" />
        </Form.Item>
      </Form>
    </FormModal>
  );
}
