import { App, Button, Form, Input, Popconfirm, Space, Tag, Tooltip, Typography, type TableColumnsType } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { orgApi } from '../api/org';
import type { User } from '../api/types';
import { useAuth } from '../auth/AuthContext';
import { CreateButton } from '../components/CreateButton';
import { DepartmentSelect } from '../components/DepartmentSelect';
import { FilterCard } from '../components/FilterCard';
import { PagedTable } from '../components/PagedTable';
import { PageTitle } from '../components/PageTitle';
import { RoleTags } from '../components/RoleGrantsInput';
import { useProblem } from '../components/useProblem';
import { useEditor } from '../hooks/useEditor';
import { usePaging } from '../hooks/usePaging';
import { useRequest } from '../hooks/useRequest';
import { useI18n } from '../i18n';
import { fmtTime } from '../utils/format';
import { ResetPasswordModal, UserRolesModal } from './UserActionModals';
import { UserFormModal } from './UserFormModal';

interface Filters {
  q?: string;
  departmentId?: string;
}

const isLocked = (u: User) => !!u.lockedUntil && dayjs(u.lockedUntil).isAfter(dayjs());

export default function UsersPage() {
  const { t } = useI18n();
  const { can, me } = useAuth();
  const { message } = App.useApp();
  const showProblem = useProblem();
  const [params] = useSearchParams();
  const [filterForm] = Form.useForm<Filters>();
  const [filters, setFilters] = useState<Filters>(() => ({ departmentId: params.get('departmentId') ?? undefined }));
  const paging = usePaging();
  const { page, pageSize } = paging;
  const editor = useEditor<User>();
  const [rolesFor, setRolesFor] = useState<User | null>(null);
  const [resetFor, setResetFor] = useState<User | null>(null);
  const canManage = can('org.user.manage');

  const list = useRequest(() => orgApi.users({ ...filters, page, pageSize }), [filters, page, pageSize]);
  const { reload } = list;

  const act = async (fn: () => Promise<unknown>, done: string) => {
    try {
      await fn();
      message.success(done);
      reload();
    } catch (e) {
      showProblem(e);
    }
  };

  const columns: TableColumnsType<User> = [
    { title: t('user.username'), dataIndex: 'username', width: 150, render: (v: string) => <Typography.Text code>{v}</Typography.Text> },
    { title: t('user.displayName'), dataIndex: 'displayName', width: 120 },
    { title: t('user.department'), dataIndex: 'departmentName', width: 180 },
    { title: t('user.roles'), dataIndex: 'roles', width: 260, render: (_v, u) => <RoleTags roles={u.roles} /> },
    {
      title: t('common.status'),
      key: 'status',
      width: 170,
      render: (_v, u) => (
        <Space size={[0, 4]} wrap>
          {u.enabled ? <Tag color="success">{t('common.enabled')}</Tag> : <Tag>{t('common.disabled')}</Tag>}
          {isLocked(u) && (
            <Tooltip title={t('user.lockedUntil', { time: fmtTime(u.lockedUntil) })}>
              <Tag color="error">{t('user.locked')}</Tag>
            </Tooltip>
          )}
          {u.mustChangePassword && <Tag color="warning">{t('user.mustChange')}</Tag>}
        </Space>
      ),
    },
    { title: t('user.lastLogin'), dataIndex: 'lastLoginAt', width: 170, render: (v: string | null) => (v ? fmtTime(v) : t('user.never')) },
  ];
  if (canManage) {
    columns.push({
      title: t('common.actions'),
      key: 'actions',
      width: 300,
      fixed: 'right',
      render: (_v, u) => (
        <Space size={0} wrap>
          <Button type="link" size="small" onClick={() => editor.edit(u)} data-testid="user-edit">
            {t('common.edit')}
          </Button>
          <Button type="link" size="small" onClick={() => setRolesFor(u)} data-testid="user-roles">
            {t('user.editRoles')}
          </Button>
          <Button type="link" size="small" onClick={() => setResetFor(u)} data-testid="user-reset-password">
            {t('user.resetPassword')}
          </Button>
          {isLocked(u) && (
            <Popconfirm title={t('user.unlockConfirm', { name: u.displayName })} onConfirm={() => act(() => orgApi.unlockUser(u.id), t('user.unlocked'))}>
              <Button type="link" size="small" data-testid="user-unlock">
                {t('user.unlock')}
              </Button>
            </Popconfirm>
          )}
          {u.id !== me?.id && (
            <Popconfirm
              title={t(u.enabled ? 'user.disableConfirm' : 'user.enableConfirm', { name: u.displayName })}
              onConfirm={() => act(() => orgApi.updateUser(u.id, { enabled: !u.enabled }), t('common.operationDone'))}
            >
              <Button type="link" size="small" danger={u.enabled} data-testid="user-toggle">
                {u.enabled ? t('common.disable') : t('common.enable')}
              </Button>
            </Popconfirm>
          )}
        </Space>
      ),
    });
  }

  const search = (v: Filters) => {
    paging.setPage(1);
    setFilters({ q: v.q?.trim() || undefined, departmentId: v.departmentId || undefined });
  };

  return (
    <div data-testid="page-users">
      <PageTitle
        title={t('user.title')}
        extra={
          canManage && (
            <CreateButton onClick={editor.create} testId="user-create">
              {t('user.create')}
            </CreateButton>
          )
        }
      />
      <FilterCard<Filters>
        form={filterForm}
        initialValues={filters}
        onSearch={search}
        onReset={() => {
          filterForm.resetFields();
          filterForm.setFieldsValue({ q: undefined, departmentId: undefined });
          search({});
        }}
        searchTestId="user-search"
      >
        <Form.Item name="q" label={t('common.keyword')}>
          <Input allowClear placeholder={t('user.searchPlaceholder')} style={{ width: 200 }} data-testid="user-filter-q" />
        </Form.Item>
        <Form.Item name="departmentId" label={t('user.department')}>
          <DepartmentSelect allowClear placeholder={t('common.all')} style={{ width: 240 }} testId="user-filter-department" />
        </Form.Item>
      </FilterCard>
      <PagedTable<User>
        list={list}
        paging={paging}
        columns={columns}
        scroll={{ x: 1450 }}
        rowTestId="user-row"
        rowData={(u) => ({ 'data-id': u.id, 'data-username': u.username })}
        data-testid="user-table"
      />
      <UserFormModal {...editor.modalProps(reload)} />
      <UserRolesModal
        user={rolesFor}
        onClose={() => setRolesFor(null)}
        onDone={() => {
          setRolesFor(null);
          reload();
        }}
      />
      <ResetPasswordModal
        user={resetFor}
        onClose={() => setResetFor(null)}
        onDone={() => {
          setResetFor(null);
          reload();
        }}
      />
    </div>
  );
}
