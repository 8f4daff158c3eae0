import { Button, DatePicker, Form, Input, Select, type TableColumnsType } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { api, type Page } from '../../api/client';
import { useAuth } from '../../auth/AuthContext';
import { CreateButton } from '../../components/CreateButton';
import { DepartmentSelect } from '../../components/DepartmentSelect';
import { FilterCard } from '../../components/FilterCard';
import { FormModal } from '../../components/FormModal';
import { PagedTable } from '../../components/PagedTable';
import { PageTitle } from '../../components/PageTitle';
import { useFormSubmit } from '../../hooks/useFormSubmit';
import { usePaging } from '../../hooks/usePaging';
import { useRequest } from '../../hooks/useRequest';
import { useI18n, type MessageKey } from '../../i18n';
import { fmtMinute } from '../../utils/format';
import { sharingApi, type Duty, type DutyStatus } from './api';
import { FocusCard, ReasonsModal, ResourceCell, StatusTag } from './components';

const STATUSES: DutyStatus[] = ['pending', 'overdue', 'fulfilled', 'closed'];

/** 共享责任清单 (R-EXC-7): who must share what with whom by when; fulfilled once a grant is in force. */
export default function DutiesPage() {
  const { t } = useI18n();
  const { can } = useAuth();
  const isAuthority = can('sharing.arbitrate');
  const [filterForm] = Form.useForm<{ status?: DutyStatus }>();
  const [status, setStatus] = useState<DutyStatus | undefined>();
  const paging = usePaging();
  const { page, pageSize } = paging;
  const [creating, setCreating] = useState(false);
  const [closing, setClosing] = useState<Duty | null>(null);
  const list = useRequest(() => sharingApi.duties({ page, pageSize, status }), [status, page, pageSize]);

  const columns: TableColumnsType<Duty> = [
    { title: t('sharing.resource'), key: 'resource', width: 220, render: (_v, d) => <ResourceCell code={d.resourceCode} name={d.resourceName} /> },
    { title: t('sharing.provider'), dataIndex: 'providerDepartmentName', width: 170 },
    { title: t('sharing.consumer'), dataIndex: 'consumerDepartmentName', width: 170 },
    { title: t('sharing.duty.description'), dataIndex: 'description', ellipsis: true },
    { title: t('sharing.dueDate'), dataIndex: 'dueDate', width: 110 },
    { title: t('common.status'), dataIndex: 'status', width: 100, render: (v: DutyStatus) => <StatusTag kind="duty" value={v} /> },
    { title: t('sharing.duty.recordedAt'), dataIndex: 'recordedAt', width: 150, render: (v: string) => fmtMinute(v) },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 110,
      fixed: 'right',
      render: (_v, d) => (
        <>
          {d.grantId && <Link to="/sharing/grants">{t('sharing.grant')}</Link>}
          {isAuthority && d.status !== 'closed' && (
            <Button type="link" size="small" danger onClick={() => setClosing(d)} data-testid="duty-close">
              {t('sharing.duty.close')}
            </Button>
          )}
        </>
      ),
    },
  ];

  return (
    <div data-testid="page-sharing-duties">
      <PageTitle
        title={t('sharing.duties.title')}
        extra={
          isAuthority && (
            <CreateButton onClick={() => setCreating(true)} testId="duty-create">
              {t('sharing.duty.create')}
            </CreateButton>
          )
        }
      />
      <FocusCard
        load={sharingApi.duty}
        status={(d) => <StatusTag kind="duty" value={d.status} />}
        facts={(d) => [
          [t('sharing.duty.description'), d.description],
          [t('sharing.dueDate'), d.dueDate],
        ]}
        listPath="/sharing/duties"
        testId="duty-focus"
      />
      <FilterCard<{ status?: DutyStatus }>
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
        searchTestId="duties-search"
      >
        <Form.Item name="status" label={t('common.status')}>
          <Select allowClear placeholder={t('common.all')} style={{ width: 140 }} options={STATUSES.map((s) => ({ value: s, label: t(`sharing.dutyStatus.${s}` as MessageKey) }))} data-testid="duties-filter-status" />
        </Form.Item>
      </FilterCard>
      <PagedTable<Duty>
        list={list}
        paging={paging}
        columns={columns}
        scroll={{ x: 1350 }}
        rowTestId="duty-row"
        rowData={(d) => ({ 'data-id': d.id, 'data-status': d.status })}
        data-testid="duty-table"
      />
      <CreateDutyModal
        open={creating}
        onClose={() => setCreating(false)}
        onDone={() => {
          setCreating(false);
          list.reload();
        }}
      />
      <ReasonsModal
        open={!!closing}
        title={t('sharing.duty.close')}
        run={(v) => sharingApi.closeDuty(closing!.id, v.reasons)}
        onClose={() => setClosing(null)}
        onDone={() => {
          setClosing(null);
          list.reload();
        }}
        submitTestId="duty-close-confirm"
        reasonsTestId="duty-close-reasons"
      />
    </div>
  );
}

interface DutyValues {
  providerDepartmentId: string;
  resourceId: string;
  consumerDepartmentId: string;
  description: string;
  dueDate: Dayjs;
}

function CreateDutyModal({ open, onClose, onDone }: { open: boolean; onClose: () => void; onDone: () => void }) {
  const { t } = useI18n();
  const [form] = Form.useForm<DutyValues>();
  const { busy, submit } = useFormSubmit(form);
  const provider = Form.useWatch('providerDepartmentId', form);
  const resources = useRequest(
    () => api.get<Page<{ id: string; code: string; name: string }>>('/api/catalog/resources', { providerDepartmentId: provider, status: 'published', pageSize: 100 }),
    [provider],
    !!provider,
  );
  return (
    <FormModal open={open} title={t('sharing.duty.create')} form={form} busy={busy} submitTestId="duty-create-submit" onCancel={onClose} afterClose={() => form.resetFields()}>
      <Form<DutyValues>
        form={form}
        layout="vertical"
        onFinish={(v) => submit(() => sharingApi.createDuty({ ...v, dueDate: v.dueDate.format('YYYY-MM-DD') }), t('common.created'), onDone)}
      >
        <Form.Item name="providerDepartmentId" label={t('sharing.provider')} rules={[{ required: true, message: t('sharing.required') }]}>
          <DepartmentSelect testId="duty-provider" />
        </Form.Item>
        <Form.Item name="resourceId" label={t('sharing.resource')} rules={[{ required: true, message: t('sharing.required') }]}>
          <Select
            disabled={!provider}
            loading={resources.loading}
            showSearch={{ optionFilterProp: 'label' }}
            options={(resources.data?.items ?? []).map((r) => ({ value: r.id, label: `${r.name}（${r.code}）` }))}
            data-testid="duty-resource"
          />
        </Form.Item>
        <Form.Item name="consumerDepartmentId" label={t('sharing.consumer')} rules={[{ required: true, message: t('sharing.required') }]}>
          <DepartmentSelect testId="duty-consumer" excludeId={provider} />
        </Form.Item>
        <Form.Item name="description" label={t('sharing.duty.description')} rules={[{ required: true, whitespace: true, message: t('sharing.required') }]}>
          <Input.TextArea rows={3} maxLength={2000} data-testid="duty-description" />
        </Form.Item>
        <Form.Item name="dueDate" label={t('sharing.dueDate')} rules={[{ required: true, message: t('sharing.required') }]}>
          <DatePicker disabledDate={(d) => d.isBefore(dayjs(), 'day')} data-testid="duty-due" />
        </Form.Item>
      </Form>
    </FormModal>
  );
}
