import { App, Button, Checkbox, Form, Input, Popconfirm, Select, Space, Tag, Tooltip, Typography, type TableColumnsType } from 'antd';
import { WarningOutlined } from '@ant-design/icons';
import { useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { orgApi } from '../api/org';
import type { Department } from '../api/types';
import { useAuth } from '../auth/AuthContext';
import { CreateButton } from '../components/CreateButton';
import { DivisionTreeSelect } from '../components/DivisionTreeSelect';
import { FilterCard } from '../components/FilterCard';
import { PagedTable } from '../components/PagedTable';
import { PageTitle } from '../components/PageTitle';
import { useProblem } from '../components/useProblem';
import { useEditor } from '../hooks/useEditor';
import { usePaging } from '../hooks/usePaging';
import { useDepartmentKinds } from '../hooks/useReference';
import { useRequest } from '../hooks/useRequest';
import { useI18n } from '../i18n';
import { fmtTime } from '../utils/format';
import { DepartmentFormModal } from './DepartmentFormModal';

interface Filters {
  q?: string;
  divisionCode?: string;
  includeSubdivisions?: boolean;
  kind?: string;
}

export default function DepartmentsPage() {
  const { t, lang } = useI18n();
  const { can } = useAuth();
  const { message } = App.useApp();
  const showProblem = useProblem();
  const kinds = useDepartmentKinds();
  const [params] = useSearchParams();
  const [filterForm] = Form.useForm<Filters>();
  const [filters, setFilters] = useState<Filters>(() => ({
    divisionCode: params.get('divisionCode') ?? undefined,
    includeSubdivisions: true,
  }));
  const paging = usePaging();
  const { page, pageSize } = paging;
  const editor = useEditor<Department>();
  const canManage = can('org.department.manage');

  const list = useRequest(
    () => orgApi.departments({ ...filters, includeSubdivisions: filters.divisionCode ? filters.includeSubdivisions : undefined, page, pageSize }),
    [filters, page, pageSize],
  );
  const { reload } = list;

  const toggle = async (d: Department) => {
    try {
      await orgApi.updateDepartment(d.id, { enabled: !d.enabled });
      message.success(t('common.operationDone'));
      reload();
    } catch (e) {
      showProblem(e);
    }
  };

  const columns: TableColumnsType<Department> = [
    {
      title: t('dept.name'),
      dataIndex: 'name',
      width: 280,
      render: (_v, d) => (
        <Space orientation="vertical" size={0}>
          <Space size={4}>
            <Typography.Text strong>{d.name}</Typography.Text>
            {d.legacyCode && (
              <Tooltip title={d.usccWarning ?? t('dept.usccCheck')}>
                <Tag color="warning" icon={<WarningOutlined />} data-testid="dept-legacy-tag">
                  {t('dept.legacyTag')}
                </Tag>
              </Tooltip>
            )}
          </Space>
          {d.shortName && <Typography.Text type="secondary">{d.shortName}</Typography.Text>}
        </Space>
      ),
    },
    { title: t('dept.uscc'), dataIndex: 'uscc', width: 200, render: (v: string) => <Typography.Text code>{v}</Typography.Text> },
    { title: t('dept.division'), dataIndex: 'divisionName', width: 160 },
    { title: t('dept.parent'), dataIndex: 'parentName', width: 160, render: (v: string | null) => v ?? '—' },
    {
      title: t('dept.kind'),
      dataIndex: 'kindName',
      width: 150,
      render: (v: string, d) => {
        const k = kinds?.find((x) => x.kind === d.kind);
        return k ? (lang === 'zh' ? k.zh : k.en) : v;
      },
    },
    {
      title: t('common.status'),
      dataIndex: 'enabled',
      width: 90,
      render: (v: boolean) => (v ? <Tag color="success">{t('common.enabled')}</Tag> : <Tag>{t('common.disabled')}</Tag>),
    },
    { title: t('common.updatedAt'), dataIndex: 'updatedAt', width: 170, render: (v: string) => fmtTime(v) },
  ];
  if (canManage) {
    columns.push({
      title: t('common.actions'),
      key: 'actions',
      width: 140,
      fixed: 'right',
      render: (_v, d) => (
        <Space size={0}>
          <Button type="link" size="small" onClick={() => editor.edit(d)} data-testid="dept-edit">
            {t('common.edit')}
          </Button>
          <Popconfirm
            title={t(d.enabled ? 'dept.disableConfirm' : 'dept.enableConfirm', { name: d.name })}
            onConfirm={() => toggle(d)}
          >
            <Button type="link" size="small" danger={d.enabled} data-testid="dept-toggle">
              {d.enabled ? t('common.disable') : t('common.enable')}
            </Button>
          </Popconfirm>
        </Space>
      ),
    });
  }

  const search = (v: Filters) => {
    paging.setPage(1);
    setFilters({ ...v, q: v.q?.trim() || undefined });
  };

  return (
    <div data-testid="page-departments">
      <PageTitle
        title={t('dept.title')}
        extra={
          canManage && (
            <CreateButton onClick={editor.create} testId="dept-create">
              {t('dept.create')}
            </CreateButton>
          )
        }
      />
      <FilterCard<Filters>
        form={filterForm}
        initialValues={filters}
        onSearch={search}
        onReset={() => {
          filterForm.setFieldsValue({ q: undefined, divisionCode: undefined, kind: undefined, includeSubdivisions: true });
          search({ includeSubdivisions: true });
        }}
        searchTestId="dept-search"
      >
        <Form.Item name="q" label={t('common.keyword')}>
          <Input allowClear placeholder={t('dept.searchPlaceholder')} style={{ width: 220 }} data-testid="dept-filter-q" />
        </Form.Item>
        <Form.Item name="divisionCode" label={t('dept.division')}>
          <DivisionTreeSelect allowClear placeholder={t('common.all')} style={{ width: 220 }} testId="dept-filter-division" />
        </Form.Item>
        <Form.Item name="includeSubdivisions" valuePropName="checked">
          <Checkbox>{t('dept.includeSub')}</Checkbox>
        </Form.Item>
        <Form.Item name="kind" label={t('dept.kind')}>
          <Select
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            placeholder={t('common.all')}
            style={{ width: 200 }}
            options={(kinds ?? []).map((k) => ({ value: k.kind, label: lang === 'zh' ? k.zh : k.en }))}
          />
        </Form.Item>
      </FilterCard>
      <PagedTable<Department>
        list={list}
        paging={paging}
        columns={columns}
        scroll={{ x: 1400 }}
        rowTestId="dept-row"
        rowData={(d) => ({ 'data-id': d.id, 'data-name': d.name })}
        data-testid="dept-table"
      />
      <DepartmentFormModal {...editor.modalProps(reload)} />
    </div>
  );
}
