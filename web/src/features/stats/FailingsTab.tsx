import { Alert, DatePicker, Form, Input, Select, Space, Tag, Typography, type TableColumnsType } from 'antd';
import type { Dayjs } from 'dayjs';
import { useEffect, useState } from 'react';
import { api, type Page, type Query } from '../../api/client';
import { useAuth } from '../../auth/AuthContext';
import { CreateButton } from '../../components/CreateButton';
import { DepartmentSelect } from '../../components/DepartmentSelect';
import { FilterCard } from '../../components/FilterCard';
import { FormModal } from '../../components/FormModal';
import { PagedTable } from '../../components/PagedTable';
import { useFormSubmit } from '../../hooks/useFormSubmit';
import { usePaging } from '../../hooks/usePaging';
import { useRequest } from '../../hooks/useRequest';
import { useI18n } from '../../i18n';
import { fmtMinute } from '../../utils/format';
import { FAILING_KINDS, statsApi, type Failing, type FailingKind, type RecordFailingInput } from './api';

interface FilterValues {
  departmentId?: string;
  kind?: FailingKind;
  range?: [Dayjs | null, Dayjs | null] | null;
}

const kindColor: Record<FailingKind, string> = { not_catalogued: 'orange', not_provided: 'red', inconsistent: 'gold', misuse: 'magenta', other: 'default' };

/** Published entries of one department, searchable by name, for the optional resource of a failing. */
function ResourceSelect({ departmentId, value, onChange }: { departmentId?: string; value?: string; onChange?: (v: string | undefined) => void }) {
  const { t } = useI18n();
  const [q, setQ] = useState('');
  const [options, setOptions] = useState<{ value: string; label: string }[]>([]);
  useEffect(() => {
    if (!departmentId) {
      setOptions([]);
      return;
    }
    let live = true;
    const timer = setTimeout(() => {
      api
        .get<Page<{ id: string; code: string; name: string }>>('/api/catalog/resources', { providerDepartmentId: departmentId, q: q.trim() || undefined, pageSize: 50 })
        .then((p) => live && setOptions(p.items.map((r) => ({ value: r.id, label: `${r.code} ${r.name}` }))))
        .catch(() => live && setOptions([]));
    }, 250);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [departmentId, q]);
  return (
    <Select
      allowClear
      disabled={!departmentId}
      showSearch={{ filterOption: false, onSearch: setQ }}
      value={value}
      onChange={(v) => onChange?.(v ?? undefined)}
      options={options}
      placeholder={t('stats.failing.resourcePlaceholder')}
      data-testid="failing-resource"
    />
  );
}

function RecordFailingModal({ open, onClose, onDone }: { open: boolean; onClose: () => void; onDone: () => void }) {
  const { t } = useI18n();
  const [form] = Form.useForm<RecordFailingInput>();
  const { busy, submit } = useFormSubmit(form);
  const departmentId = Form.useWatch('departmentId', form);
  const required = [{ required: true, whitespace: true, message: t('stats.failing.required') }];
  return (
    <FormModal
      form={form}
      busy={busy}
      open={open}
      title={t('stats.failing.recordTitle')}
      submitTestId="failing-submit"
      onCancel={onClose}
      afterClose={() => form.resetFields()}
      width={640}
    >
      <Form<RecordFailingInput>
        form={form}
        layout="vertical"
        data-testid="failing-form"
        onFinish={(v) =>
          submit(
            () => statsApi.recordFailing({ ...v, description: v.description.trim(), evidence: v.evidence.trim(), resourceId: v.resourceId || undefined }),
            t('stats.failing.recorded'),
            () => {
              onClose();
              onDone();
            },
          )
        }
      >
        <Form.Item name="departmentId" label={t('stats.failing.department')} rules={[{ required: true, message: t('stats.failing.required') }]}>
          <DepartmentSelect testId="failing-department" onChange={() => form.setFieldValue('resourceId', undefined)} />
        </Form.Item>
        <Form.Item name="kind" label={t('stats.failing.kind')} rules={[{ required: true, message: t('stats.failing.required') }]}>
          <Select options={FAILING_KINDS.map((k) => ({ value: k, label: t(`stats.kind.${k}`) }))} data-testid="failing-kind" />
        </Form.Item>
        <Form.Item name="description" label={t('stats.failing.description')} rules={required}>
          <Input.TextArea rows={3} maxLength={2000} showCount data-testid="failing-description" />
        </Form.Item>
        <Form.Item name="evidence" label={t('stats.failing.evidence')} rules={required}>
          <Input.TextArea rows={3} maxLength={4000} showCount data-testid="failing-evidence" />
        </Form.Item>
        <Form.Item name="resourceId" label={t('stats.failing.resource')}>
          <ResourceSelect departmentId={departmentId} />
        </Form.Item>
      </Form>
    </FormModal>
  );
}

/** Failings recorded by the sharing authority: a filterable list, and the record form for authorities. */
export function FailingsTab() {
  const { t } = useI18n();
  const { can } = useAuth();
  const [form] = Form.useForm<FilterValues>();
  const [query, setQuery] = useState<Query>({});
  const [recording, setRecording] = useState(false);
  const paging = usePaging();
  const { page, pageSize } = paging;
  const list = useRequest(() => statsApi.failings({ ...query, page, pageSize }), [query, page, pageSize]);

  const onSearch = (v: FilterValues) => {
    paging.setPage(1);
    setQuery({ departmentId: v.departmentId || undefined, kind: v.kind || undefined, from: v.range?.[0]?.format('YYYY-MM-DD'), to: v.range?.[1]?.format('YYYY-MM-DD') });
  };

  const columns: TableColumnsType<Failing> = [
    { title: t('stats.failing.recordedAt'), dataIndex: 'recordedAt', width: 150, render: (v: string) => fmtMinute(v) },
    { title: t('stats.failing.department'), dataIndex: 'departmentName', width: 200 },
    {
      title: t('stats.failing.kind'),
      dataIndex: 'kind',
      width: 150,
      render: (k: FailingKind) => (
        <Tag color={kindColor[k]} data-testid="failing-kind-tag">
          {t(`stats.kind.${k}`)}
        </Tag>
      ),
    },
    {
      title: t('stats.failing.description'),
      dataIndex: 'description',
      render: (v: string, f) => (
        <Space orientation="vertical" size={0}>
          <span>{v}</span>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('stats.failing.evidence')}：{f.evidence}
          </Typography.Text>
        </Space>
      ),
    },
    { title: t('stats.failing.resource'), key: 'resource', width: 220, render: (_v, f) => (f.resourceCode ? `${f.resourceCode} ${f.resourceName}` : '—') },
    { title: t('stats.failing.recordedBy'), key: 'recordedBy', width: 200, render: (_v, f) => `${f.recordedBy}（${f.recordedByDepartmentName}）` },
  ];

  return (
    <>
      <Alert
        type="info"
        showIcon
        title={t('stats.failing.hint')}
        style={{ marginBottom: 16 }}
        action={
          can('sharing.arbitrate') ? (
            <CreateButton onClick={() => setRecording(true)} testId="failing-record">
              {t('stats.failing.record')}
            </CreateButton>
          ) : undefined
        }
      />
      <FilterCard<FilterValues>
        form={form}
        onSearch={onSearch}
        onReset={() => {
          form.resetFields();
          onSearch({});
        }}
        testId="failing-filter-form"
        searchTestId="failing-search"
        resetTestId="failing-reset"
      >
        <Form.Item name="departmentId" label={t('stats.failing.department')}>
          <DepartmentSelect allowClear placeholder={t('common.all')} style={{ width: 220 }} testId="failing-filter-department" />
        </Form.Item>
        <Form.Item name="kind" label={t('stats.failing.kind')}>
          <Select allowClear placeholder={t('common.all')} style={{ width: 180 }} options={FAILING_KINDS.map((k) => ({ value: k, label: t(`stats.kind.${k}`) }))} data-testid="failing-filter-kind" />
        </Form.Item>
        <Form.Item name="range" label={t('stats.failing.range')}>
          <DatePicker.RangePicker format="YYYY-MM-DD" allowEmpty={[true, true]} data-testid="failing-filter-range" />
        </Form.Item>
      </FilterCard>
      <PagedTable<Failing>
        list={list}
        paging={paging}
        columns={columns}
        scroll={{ x: 1100 }}
        rowTestId="failing-row"
        rowData={(f) => ({ 'data-id': f.id, 'data-kind': f.kind })}
        data-testid="failing-table"
      />
      <RecordFailingModal open={recording} onClose={() => setRecording(false)} onDone={list.reload} />
    </>
  );
}
