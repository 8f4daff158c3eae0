import { AutoComplete, Button, DatePicker, Form, Input, Select, Space, Tag, Typography, type TableColumnsType } from 'antd';
import { DownloadOutlined } from '@ant-design/icons';
import type { Dayjs } from 'dayjs';
import { useMemo, useState } from 'react';
import { auditApi } from '../api/audit';
import type { Query } from '../api/client';
import type { AuditEntry, Outcome } from '../api/types';
import { DepartmentSelect } from '../components/DepartmentSelect';
import { FilterCard } from '../components/FilterCard';
import { PagedTable } from '../components/PagedTable';
import { PageTitle } from '../components/PageTitle';
import { usePaging } from '../hooks/usePaging';
import { useRequest } from '../hooks/useRequest';
import { useI18n } from '../i18n';
import { actionName, SEARCHABLE_ACTIONS } from '../i18n/actions';
import { fmtTime } from '../utils/format';
import { AuditDetail } from './AuditDetail';
import { AuditStatusCard } from './AuditStatusCard';

interface FilterValues {
  actor?: string;
  departmentId?: string;
  action?: string;
  target?: string;
  outcome?: Outcome;
  range?: [Dayjs | null, Dayjs | null] | null;
}

const outcomeColor: Record<Outcome, string> = { success: 'success', failure: 'error', denied: 'warning' };

function toQuery(v: FilterValues): Query {
  return {
    actor: v.actor?.trim() || undefined,
    departmentId: v.departmentId || undefined,
    action: v.action?.trim() || undefined,
    target: v.target?.trim() || undefined,
    outcome: v.outcome || undefined,
    from: v.range?.[0]?.toISOString(),
    to: v.range?.[1]?.toISOString(),
  };
}

export default function AuditPage() {
  const { t, lang } = useI18n();
  const [form] = Form.useForm<FilterValues>();
  const [query, setQuery] = useState<Query>({});
  const paging = usePaging();
  const { page, pageSize } = paging;
  const list = useRequest(() => auditApi.entries({ ...query, page, pageSize }), [query, page, pageSize]);

  const actionOptions = useMemo(
    () => SEARCHABLE_ACTIONS.map((a) => ({ value: a, label: `${actionName(a, lang)} · ${a}` })),
    [lang],
  );

  const columns: TableColumnsType<AuditEntry> = [
    { title: t('audit.occurredAt'), dataIndex: 'occurredAt', width: 170, render: (v: string) => fmtTime(v) },
    {
      title: t('audit.actor'),
      key: 'actor',
      width: 150,
      render: (_v, e) => (
        <Space orientation="vertical" size={0}>
          <span>{e.actorName ?? e.actorId ?? '—'}</span>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {['user', 'client', 'system', 'anonymous'].includes(e.actorKind) ? t(`audit.actorKind.${e.actorKind as 'user'}`) : e.actorKind}
          </Typography.Text>
        </Space>
      ),
    },
    { title: t('audit.department'), dataIndex: 'departmentName', width: 160, render: (v: string | null) => v ?? '—' },
    {
      title: t('audit.action'),
      dataIndex: 'action',
      width: 200,
      render: (v: string) => (
        <Space orientation="vertical" size={0}>
          <span data-testid="audit-action">{actionName(v, lang)}</span>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {v}
          </Typography.Text>
        </Space>
      ),
    },
    {
      title: t('audit.target'),
      key: 'target',
      render: (_v, e) => <span data-testid="audit-target">{e.targetLabel ?? ([e.targetType, e.targetId].filter(Boolean).join(' / ') || '—')}</span>,
    },
    {
      title: t('audit.outcome'),
      dataIndex: 'outcome',
      width: 100,
      render: (v: Outcome, e) => (
        <Tag color={outcomeColor[v] ?? 'default'} title={e.errorCode ?? undefined}>
          {t(`audit.outcome.${v}`)}
        </Tag>
      ),
    },
    { title: t('audit.ip'), dataIndex: 'ip', width: 130, render: (v: string | null) => v ?? '—' },
  ];

  const onSearch = (v: FilterValues) => {
    paging.setPage(1);
    setQuery(toQuery(v));
  };

  return (
    <div data-testid="page-audit">
      <PageTitle
        title={t('audit.title')}
        extra={
          <Button icon={<DownloadOutlined />} href={auditApi.csvUrl(query)} download data-testid="audit-export">
            {t('audit.export')}
          </Button>
        }
      />
      <AuditStatusCard />
      <FilterCard<FilterValues>
        form={form}
        onSearch={onSearch}
        onReset={() => {
          form.resetFields();
          onSearch({});
        }}
        testId="audit-filter-form"
        searchTestId="audit-search"
        resetTestId="audit-reset"
      >
        <Form.Item name="actor" label={t('audit.actor')}>
          <Input allowClear style={{ width: 150 }} data-testid="audit-filter-actor" />
        </Form.Item>
        <Form.Item name="departmentId" label={t('audit.department')}>
          <DepartmentSelect allowClear placeholder={t('common.all')} style={{ width: 200 }} testId="audit-filter-department" />
        </Form.Item>
        <Form.Item name="action" label={t('audit.action')}>
          <AutoComplete
            allowClear
            options={actionOptions}
            placeholder={t('audit.actionPlaceholder')}
            showSearch={{
              filterOption: (input, opt) =>
                String(opt?.label ?? '')
                  .toLowerCase()
                  .includes(input.toLowerCase()),
            }}
            style={{ width: 260 }}
            data-testid="audit-filter-action"
          />
        </Form.Item>
        <Form.Item name="target" label={t('audit.target')}>
          <Input allowClear style={{ width: 160 }} data-testid="audit-filter-target" />
        </Form.Item>
        <Form.Item name="outcome" label={t('audit.outcome')}>
          <Select
            allowClear
            placeholder={t('common.all')}
            style={{ width: 110 }}
            options={(['success', 'failure', 'denied'] as const).map((o) => ({ value: o, label: t(`audit.outcome.${o}`) }))}
            data-testid="audit-filter-outcome"
          />
        </Form.Item>
        <Form.Item
          name="range"
          label={t('audit.timeRange')}
          rules={[
            {
              validator: async (_r, v: FilterValues['range']) => {
                if (v?.[0] && v?.[1] && v[0].isAfter(v[1])) throw new Error(t('audit.timeInverted'));
              },
            },
          ]}
        >
          <DatePicker.RangePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" allowEmpty={[true, true]} data-testid="audit-filter-time" />
        </Form.Item>
      </FilterCard>
      <PagedTable<AuditEntry>
        list={list}
        paging={paging}
        columns={columns}
        scroll={{ x: 1100 }}
        expandable={{ expandedRowRender: (e) => <AuditDetail entry={e} /> }}
        rowTestId="audit-row"
        rowData={(e) => ({ 'data-id': String(e.id), 'data-action': e.action, 'data-outcome': e.outcome })}
        data-testid="audit-table"
      />
    </div>
  );
}
