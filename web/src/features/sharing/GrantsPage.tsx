import { Button, Form, Input, Select, Space, Tabs, Tag, Typography, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { FilterCard } from '../../components/FilterCard';
import { PagedTable } from '../../components/PagedTable';
import { PageTitle } from '../../components/PageTitle';
import { usePaging } from '../../hooks/usePaging';
import { useRequest } from '../../hooks/useRequest';
import { useI18n, type MessageKey } from '../../i18n';
import { fmtMinute } from '../../utils/format';
import { sharingApi, type Grant, type GrantState, type Role } from './api';
import { ReasonsModal, ResourceCell, StatusTag, useRoleTabs } from './components';

const STATES: GrantState[] = ['active', 'not_yet_valid', 'expired', 'revoked'];
const TAB_LABEL: Record<Role, MessageKey> = { consumer: 'sharing.tab.received', provider: 'sharing.tab.given', authority: 'sharing.tab.all' };

interface Filters {
  q?: string;
  status?: GrantState;
}

/** 共享授权: grants received (consumer) and given (provider), all in scope (the authority); revoke. */
export default function GrantsPage() {
  const { t } = useI18n();
  const tabs = useRoleTabs();
  const [params, setParams] = useSearchParams();
  const role = (params.get('tab') as Role | null) ?? tabs[0]?.key ?? 'consumer';
  const [filterForm] = Form.useForm<Filters>();
  const [filters, setFilters] = useState<Filters>({});
  const paging = usePaging();
  const { page, pageSize } = paging;
  const [revoking, setRevoking] = useState<Grant | null>(null);
  const list = useRequest(() => sharingApi.grants({ role, page, pageSize, ...filters }), [role, filters, page, pageSize]);

  const columns: TableColumnsType<Grant> = [
    { title: t('sharing.resource'), key: 'resource', width: 220, render: (_v, g) => <ResourceCell code={g.resourceCode} name={g.resourceName} /> },
    { title: t('sharing.provider'), dataIndex: 'providerDepartmentName', width: 170 },
    { title: t('sharing.consumer'), dataIndex: 'consumerDepartmentName', width: 170 },
    { title: t('sharing.grantKind'), dataIndex: 'kind', width: 110, render: (v: Grant['kind']) => <StatusTag kind="share" value={v} /> },
    {
      title: t('sharing.fields'),
      dataIndex: 'fields',
      width: 220,
      render: (_v, g) => (g.wholeResource ? <Tag color="blue">{t('sharing.apply.whole')}</Tag> : <Typography.Text ellipsis={{ tooltip: g.fields.join(', ') }}>{g.fields.join(', ')}</Typography.Text>),
    },
    { title: t('sharing.purpose'), dataIndex: 'purpose', ellipsis: true },
    { title: t('sharing.validity'), key: 'validity', width: 190, render: (_v, g) => `${g.validFrom} ~ ${g.validTo ?? t('sharing.openEnded')}` },
    { title: t('common.status'), dataIndex: 'status', width: 100, render: (v: GrantState) => <StatusTag kind="grant" value={v} testId="grant-status" /> },
    { title: t('sharing.grantedAt'), dataIndex: 'grantedAt', width: 150, render: (v: string) => fmtMinute(v) },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 130,
      fixed: 'right',
      render: (_v, g) => (
        <Space size={0}>
          {g.requestId && (
            <Link to={`/sharing/requests/${g.requestId}`} style={{ marginRight: 8 }}>
              {t('sharing.request.title')}
            </Link>
          )}
          {role !== 'consumer' && g.status !== 'revoked' && (
            <Button type="link" size="small" danger onClick={() => setRevoking(g)} data-testid="grant-revoke">
              {t('sharing.grant.revoke')}
            </Button>
          )}
        </Space>
      ),
    },
  ];

  const search = (v: Filters) => {
    paging.setPage(1);
    setFilters({ q: v.q?.trim() || undefined, status: v.status });
  };

  return (
    <div data-testid="page-sharing-grants">
      <PageTitle title={t('sharing.grants.title')} />
      <Tabs
        activeKey={role}
        onChange={(k) => {
          paging.setPage(1);
          setParams({ tab: k });
        }}
        items={tabs.map((tab) => ({ key: tab.key, label: <span data-testid={`grants-tab-${tab.key}`}>{t(TAB_LABEL[tab.key])}</span> }))}
      />
      <FilterCard<Filters>
        form={filterForm}
        onSearch={search}
        onReset={() => {
          filterForm.resetFields();
          search({});
        }}
        searchTestId="grants-search"
      >
        <Form.Item name="q" label={t('sharing.resource')}>
          <Input allowClear placeholder={t('sharing.resourcePlaceholder')} style={{ width: 200 }} data-testid="grants-filter-q" />
        </Form.Item>
        <Form.Item name="status" label={t('common.status')}>
          <Select allowClear placeholder={t('common.all')} style={{ width: 140 }} options={STATES.map((s) => ({ value: s, label: t(`sharing.grantStatus.${s}` as MessageKey) }))} data-testid="grants-filter-status" />
        </Form.Item>
      </FilterCard>
      <PagedTable<Grant>
        list={list}
        paging={paging}
        columns={columns}
        scroll={{ x: 1600 }}
        rowTestId="grant-row"
        rowData={(g) => ({ 'data-testid': `grant-row-${g.resourceCode}`, 'data-id': g.id, 'data-status': g.status })}
        data-testid="grant-table"
      />
      <ReasonsModal
        open={!!revoking}
        title={t('sharing.grant.revokeTitle', { name: revoking?.resourceName ?? '' })}
        run={(v) => sharingApi.revoke(revoking!.id, v.reasons)}
        onClose={() => setRevoking(null)}
        onDone={() => {
          setRevoking(null);
          list.reload();
        }}
        submitTestId="grant-revoke-confirm"
        reasonsTestId="grant-revoke-reasons"
      />
    </div>
  );
}
