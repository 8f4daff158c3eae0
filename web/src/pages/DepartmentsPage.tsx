import { App, Button, Card, Checkbox, Form, Input, Popconfirm, Select, Space, Table, Tag, Tooltip, Typography, type TableColumnsType } from 'antd';
import { PlusOutlined, WarningOutlined } from '@ant-design/icons';
import { useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { orgApi } from '../api/org';
import type { Department } from '../api/types';
import { useAuth } from '../auth/AuthContext';
import { DivisionTreeSelect } from '../components/DivisionTreeSelect';
import { ErrorAlert } from '../components/ErrorAlert';
import { PageTitle } from '../components/PageTitle';
import { useProblem } from '../components/useProblem';
import { useDepartmentKinds } from '../hooks/useReference';
import { useRequest } from '../hooks/useRequest';
import { useI18n } from '../i18n';
import { rowProps } from '../utils/testid';
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
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(20);
  const [modal, setModal] = useState<{ open: boolean; editing: Department | null }>({ open: false, editing: null });
  const canManage = can('org.department.manage');

  const { data, loading, error, reload } = useRequest(
    () => orgApi.departments({ ...filters, includeSubdivisions: filters.divisionCode ? filters.includeSubdivisions : undefined, page, pageSize }),
    [filters, page, pageSize],
  );

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
          <Button type="link" size="small" onClick={() => setModal({ open: true, editing: d })} data-testid="dept-edit">
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
    setPage(1);
    setFilters({ ...v, q: v.q?.trim() || undefined });
  };

  return (
    <div data-testid="page-departments">
      <PageTitle
        title={t('dept.title')}
        extra={
          canManage && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setModal({ open: true, editing: null })} data-testid="dept-create">
              {t('dept.create')}
            </Button>
          )
        }
      />
      <Card style={{ marginBottom: 16 }}>
        <Form<Filters> form={filterForm} layout="inline" initialValues={filters} onFinish={search} style={{ rowGap: 12 }}>
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
          <Form.Item>
            <Space>
              <Button type="primary" htmlType="submit" data-testid="dept-search">
                {t('common.search')}
              </Button>
              <Button
                onClick={() => {
                  filterForm.setFieldsValue({ q: undefined, divisionCode: undefined, kind: undefined, includeSubdivisions: true });
                  search({ includeSubdivisions: true });
                }}
              >
                {t('common.reset')}
              </Button>
            </Space>
          </Form.Item>
        </Form>
      </Card>
      <Card>
        {error && <ErrorAlert error={error} onRetry={reload} />}
        <Table<Department>
          rowKey="id"
          size="middle"
          loading={loading}
          columns={columns}
          dataSource={data?.items ?? []}
          scroll={{ x: 1400 }}
          onRow={(d) => rowProps('dept-row', { 'data-id': d.id, 'data-name': d.name })}
          pagination={{
            current: page,
            pageSize,
            total: data?.total ?? 0,
            showSizeChanger: true,
            showTotal: (total) => t('common.total', { total }),
            onChange: (p, s) => {
              setPage(p);
              setPageSize(s);
            },
          }}
          data-testid="dept-table"
        />
      </Card>
      <DepartmentFormModal
        open={modal.open}
        editing={modal.editing}
        onClose={() => setModal({ open: false, editing: null })}
        onSaved={() => {
          setModal({ open: false, editing: null });
          reload();
        }}
      />
    </div>
  );
}
