import { Button, Form, Input, Modal, Select, Space, Switch, Tag, Tooltip, Typography, type TableColumnsType } from 'antd';
import { useEffect, useState } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
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
import { useI18n } from '../../i18n';
import { fmtTime } from '../../utils/format';
import { catalogApi, type UpdateDuty } from './api';

interface Filters {
  status?: 'open' | 'fulfilled';
  overdue?: boolean;
  departmentId?: string;
}

/**
 * 更新责任 (R-CAT-4): open and overdue update duties with their due dates and working days left;
 * the authority or the department records one, the department reports it fulfilled.
 */
export default function CatalogDutiesPage() {
  const { t } = useI18n();
  const { me } = useAuth();
  const { id: focusId } = useParams();
  const navigate = useNavigate();
  const [form] = Form.useForm<Filters>();
  const [filters, setFilters] = useState<Filters>({ status: 'open' });
  const paging = usePaging();
  const { page, pageSize } = paging;
  const list = useRequest(() => catalogApi.duties({ ...filters, page, pageSize }), [filters, page, pageSize]);
  const [recording, setRecording] = useState(false);
  const [fulfilling, setFulfilling] = useState<UpdateDuty | null>(null);
  const focus = useRequest(() => catalogApi.duty(focusId!), [focusId], !!focusId);
  const canRecord = !!me?.permissions['catalog.review'] || !!me?.permissions['catalog.manage'];
  const manageScope = me?.permissions['catalog.manage'];
  const mayFulfil = (d: UpdateDuty) => d.status === 'open' && !!manageScope && (manageScope === 'platform' || d.departmentId === me?.departmentId || manageScope === 'division');

  const remaining = (d: UpdateDuty) => {
    if (d.status === 'fulfilled') return d.fulfilledLate ? <Tag color="warning">{t('catalog.duties.fulfilledLate')}</Tag> : '—';
    const days = d.remainingWorkingDays ?? 0;
    return d.overdue ? <Tag color="error">{t('catalog.duties.overdueDays', { days: Math.abs(days) })}</Tag> : <Tag color={days <= 3 ? 'warning' : 'processing'}>{t('catalog.duties.remainingDays', { days })}</Tag>;
  };

  const columns: TableColumnsType<UpdateDuty> = [
    { title: t('catalog.duties.department'), dataIndex: 'departmentName', width: 200 },
    { title: t('catalog.duties.reason'), dataIndex: 'reason', width: 120, render: (v: string) => t(`catalog.duties.reason.${v}` as 'catalog.duties.reason.law') },
    { title: t('catalog.duties.basis'), dataIndex: 'basis', width: 260, render: (v: string) => <Typography.Paragraph ellipsis={{ rows: 2, tooltip: v }} style={{ margin: 0 }}>{v}</Typography.Paragraph> },
    { title: t('catalog.duties.dueDate'), dataIndex: 'dueDate', width: 110 },
    { title: t('catalog.duties.remaining'), key: 'remaining', width: 170, render: (_v, d) => remaining(d) },
    {
      title: t('common.status'),
      dataIndex: 'status',
      width: 100,
      render: (v: string, d) => (
        <Tooltip title={d.note ?? undefined}>
          <Tag color={v === 'open' ? (d.overdue ? 'error' : 'processing') : 'success'}>{t(`catalog.duties.status.${v}` as 'catalog.duties.status.open')}</Tag>
        </Tooltip>
      ),
    },
    { title: t('catalog.duties.recordedBy'), key: 'recordedBy', width: 200, render: (_v, d) => `${d.recordedBy}（${d.recordedByDepartmentName}）` },
    { title: t('catalog.duties.recordedAt'), dataIndex: 'recordedAt', width: 170, render: (v: string) => fmtTime(v) },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 120,
      fixed: 'right',
      render: (_v, d) =>
        mayFulfil(d) && (
          <Button type="link" size="small" onClick={() => setFulfilling(d)} data-testid="duty-fulfil">
            {t('catalog.duties.fulfil')}
          </Button>
        ),
    },
  ];

  return (
    <div data-testid="page-catalog-duties">
      <PageTitle
        title={t('catalog.duties.title')}
        extra={
          canRecord && (
            <CreateButton onClick={() => setRecording(true)} testId="duty-record">
              {t('catalog.duties.record')}
            </CreateButton>
          )
        }
      />
      <Typography.Paragraph type="secondary">{t('catalog.duties.hint')}</Typography.Paragraph>
      {focus.data && (
        <Modal open title={t('catalog.duties.title')} footer={null} onCancel={() => navigate('/catalog/duties')} data-testid="duty-focus">
          <Space orientation="vertical">
            <span>{focus.data.departmentName}</span>
            <span>{t(`catalog.duties.reason.${focus.data.reason}` as 'catalog.duties.reason.law')}：{focus.data.basis}</span>
            <span>
              {t('catalog.duties.dueDate')}：{focus.data.dueDate} {remaining(focus.data)}
            </span>
            {mayFulfil(focus.data) && (
              <Button type="primary" onClick={() => setFulfilling(focus.data!)}>
                {t('catalog.duties.fulfil')}
              </Button>
            )}
          </Space>
        </Modal>
      )}
      <FilterCard<Filters>
        form={form}
        initialValues={filters}
        onSearch={(v) => {
          paging.setPage(1);
          setFilters({ status: v.status, overdue: v.overdue || undefined, departmentId: v.departmentId || undefined });
        }}
        onReset={() => {
          form.resetFields();
          form.setFieldsValue({ status: 'open', overdue: false, departmentId: undefined });
          paging.setPage(1);
          setFilters({ status: 'open' });
        }}
        searchTestId="duty-search"
      >
        <Form.Item name="status" label={t('common.status')}>
          <Select
            allowClear
            placeholder={t('common.all')}
            style={{ width: 120 }}
            options={(['open', 'fulfilled'] as const).map((s) => ({ value: s, label: t(`catalog.duties.status.${s}`) }))}
            data-testid="duty-filter-status"
          />
        </Form.Item>
        <Form.Item name="overdue" label={t('catalog.duties.onlyOverdue')} valuePropName="checked">
          <Switch data-testid="duty-filter-overdue" />
        </Form.Item>
        <Form.Item name="departmentId" label={t('catalog.duties.department')}>
          <DepartmentSelect allowClear placeholder={t('common.all')} style={{ width: 240 }} testId="duty-filter-department" />
        </Form.Item>
      </FilterCard>
      <PagedTable<UpdateDuty>
        list={list}
        paging={paging}
        columns={columns}
        scroll={{ x: 1450 }}
        rowTestId="duty-row"
        rowData={(d) => ({ 'data-id': d.id, 'data-status': d.status, 'data-overdue': String(d.overdue) })}
        data-testid="duty-table"
      />
      <RecordDutyModal
        open={recording}
        onClose={() => setRecording(false)}
        onDone={() => {
          setRecording(false);
          list.reload();
        }}
      />
      <FulfilDutyModal
        duty={fulfilling}
        onClose={() => setFulfilling(null)}
        onDone={() => {
          setFulfilling(null);
          list.reload();
          if (focusId) focus.reload();
        }}
      />
    </div>
  );
}

function RecordDutyModal({ open, onClose, onDone }: { open: boolean; onClose: () => void; onDone: () => void }) {
  const { t } = useI18n();
  const { me } = useAuth();
  const [form] = Form.useForm<{ departmentId: string; reason: 'law' | 'duty'; basis: string }>();
  const { busy, submit } = useFormSubmit(form);
  useEffect(() => {
    if (open) form.setFieldsValue({ departmentId: me?.permissions['catalog.review'] ? undefined : me?.departmentId, reason: 'law', basis: undefined });
  }, [open, form, me]);
  return (
    <FormModal open={open} title={t('catalog.duties.record')} onCancel={onClose} form={form} busy={busy} submitTestId="duty-form-submit" destroyOnHidden={false}>
      <Form
        form={form}
        layout="vertical"
        onFinish={(v) => submit(() => catalogApi.recordDuty({ ...v, basis: v.basis.trim() }), t('catalog.duties.recorded'), onDone)}
      >
        <Form.Item name="departmentId" label={t('catalog.duties.department')} rules={[{ required: true, message: t('catalog.editor.required', { label: t('catalog.duties.department') }) }]}>
          <DepartmentSelect initialOption={me ? { value: me.departmentId, label: me.departmentName } : undefined} testId="duty-form-department" />
        </Form.Item>
        <Form.Item name="reason" label={t('catalog.duties.reason')} rules={[{ required: true }]}>
          <Select options={(['law', 'duty'] as const).map((r) => ({ value: r, label: t(`catalog.duties.reason.${r}`) }))} data-testid="duty-form-reason" />
        </Form.Item>
        <Form.Item name="basis" label={t('catalog.duties.basis')} rules={[{ required: true, whitespace: true, message: t('catalog.editor.required', { label: t('catalog.duties.basis') }) }]}>
          <Input.TextArea rows={3} maxLength={2000} showCount data-testid="duty-form-basis" />
        </Form.Item>
      </Form>
    </FormModal>
  );
}

function FulfilDutyModal({ duty, onClose, onDone }: { duty: UpdateDuty | null; onClose: () => void; onDone: () => void }) {
  const { t } = useI18n();
  const [form] = Form.useForm<{ note?: string }>();
  const { busy, submit } = useFormSubmit(form);
  useEffect(() => {
    if (duty) form.resetFields();
  }, [duty, form]);
  return (
    <FormModal open={!!duty} title={`${t('catalog.duties.fulfil')} · ${duty?.departmentName ?? ''}`} onCancel={onClose} form={form} busy={busy} submitTestId="duty-fulfil-submit" okText={t('common.confirm')}>
      <Form form={form} layout="vertical" onFinish={(v) => submit(() => catalogApi.fulfilDuty(duty!.id, v.note?.trim() || undefined), t('catalog.duties.fulfilled'), onDone)}>
        <Typography.Paragraph>{duty?.basis}</Typography.Paragraph>
        <Form.Item name="note" label={t('catalog.duties.note')}>
          <Input.TextArea rows={3} maxLength={2000} data-testid="duty-fulfil-note" />
        </Form.Item>
      </Form>
    </FormModal>
  );
}
