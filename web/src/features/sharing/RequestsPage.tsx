import { DatePicker, Form, Input, Select, Tabs, type TableColumnsType } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { FilterCard } from '../../components/FilterCard';
import { PagedTable } from '../../components/PagedTable';
import { PageTitle } from '../../components/PageTitle';
import { usePaging } from '../../hooks/usePaging';
import { useRequest } from '../../hooks/useRequest';
import { useI18n, type MessageKey } from '../../i18n';
import { fmtMinute } from '../../utils/format';
import { sharingApi, type RequestStatus, type Role, type SharingRequest } from './api';
import { Deadline, ResourceCell, StatusTag, useRoleTabs } from './components';

export const REQUEST_STATUSES: RequestStatus[] = ['pending', 'approved', 'refused', 'escalated', 'arbitration_approved', 'arbitration_refused'];

interface Filters {
  q?: string;
  status?: RequestStatus;
  overdue?: 'true' | 'false';
  received?: [Dayjs, Dayjs] | null;
}

/** 共享申请: outgoing (我方申请), incoming (待我答复), all in scope (the authority). */
export default function RequestsPage() {
  const { t } = useI18n();
  const tabs = useRoleTabs();
  const [params, setParams] = useSearchParams();
  const role = (params.get('tab') as Role | null) ?? tabs[0]?.key ?? 'consumer';
  const [filterForm] = Form.useForm<Filters>();
  const [filters, setFilters] = useState<Filters>({});
  const paging = usePaging();
  const { page, pageSize } = paging;

  const list = useRequest(
    () =>
      sharingApi.requests({
        role,
        page,
        pageSize,
        q: filters.q,
        status: filters.status,
        overdue: filters.overdue,
        receivedFrom: filters.received?.[0]?.format('YYYY-MM-DD'),
        receivedTo: filters.received?.[1]?.format('YYYY-MM-DD'),
      }),
    [role, filters, page, pageSize],
  );

  const columns: TableColumnsType<SharingRequest> = [
    { title: t('sharing.resource'), key: 'resource', width: 240, render: (_v, r) => <ResourceCell code={r.resourceCode} name={r.resourceName} /> },
    ...(role !== 'consumer' ? [{ title: t('sharing.consumer'), dataIndex: 'consumerDepartmentName', width: 180 }] : []),
    ...(role !== 'provider' ? [{ title: t('sharing.provider'), dataIndex: 'providerDepartmentName', width: 180 }] : []),
    { title: t('sharing.purpose'), dataIndex: 'purpose', ellipsis: true },
    { title: t('common.status'), dataIndex: 'status', width: 130, render: (v: RequestStatus) => <StatusTag kind="request" value={v} /> },
    { title: t('sharing.receivedAt'), dataIndex: 'receivedAt', width: 150, render: (v: string) => fmtMinute(v) },
    { title: t('sharing.deadline'), key: 'deadline', width: 200, render: (_v, r) => <Deadline r={r} /> },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 90,
      fixed: 'right',
      render: (_v, r) => (
        <Link to={`/sharing/requests/${r.id}`} data-testid="request-open">
          {t('common.details')}
        </Link>
      ),
    },
  ];

  const search = (v: Filters) => {
    paging.setPage(1);
    setFilters({ q: v.q?.trim() || undefined, status: v.status, overdue: v.overdue, received: v.received ?? null });
  };

  return (
    <div data-testid="page-sharing-requests">
      <PageTitle title={t('sharing.requests.title')} />
      <Tabs
        activeKey={role}
        onChange={(k) => {
          paging.setPage(1);
          setParams({ tab: k });
        }}
        items={tabs.map((tab) => ({ key: tab.key, label: <span data-testid={`requests-tab-${tab.testId}`}>{t(tab.label)}</span> }))}
      />
      <FilterCard<Filters>
        form={filterForm}
        onSearch={search}
        onReset={() => {
          filterForm.resetFields();
          search({});
        }}
        searchTestId="requests-search"
      >
        <Form.Item name="q" label={t('sharing.resource')}>
          <Input allowClear placeholder={t('sharing.resourcePlaceholder')} style={{ width: 200 }} data-testid="requests-filter-q" />
        </Form.Item>
        <Form.Item name="status" label={t('common.status')}>
          <Select
            allowClear
            placeholder={t('common.all')}
            style={{ width: 150 }}
            options={REQUEST_STATUSES.map((s) => ({ value: s, label: t(`sharing.requestStatus.${s}` as MessageKey) }))}
            data-testid="requests-filter-status"
          />
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
            data-testid="requests-filter-overdue"
          />
        </Form.Item>
        <Form.Item name="received" label={t('sharing.receivedAt')}>
          <DatePicker.RangePicker data-testid="requests-filter-received" />
        </Form.Item>
      </FilterCard>
      <PagedTable<SharingRequest>
        list={list}
        paging={paging}
        columns={columns}
        scroll={{ x: 1300 }}
        rowTestId="request-row"
        rowData={(r) => ({ 'data-testid': `request-row-${r.resourceCode}`, 'data-id': r.id, 'data-status': r.status })}
        data-testid="request-table"
      />
    </div>
  );
}
