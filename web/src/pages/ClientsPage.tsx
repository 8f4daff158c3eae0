import { App, Button, Popconfirm, Tag, Typography, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { orgApi } from '../api/org';
import type { Client } from '../api/types';
import { useAuth } from '../auth/AuthContext';
import { CreateButton } from '../components/CreateButton';
import { PagedTable } from '../components/PagedTable';
import { PageTitle } from '../components/PageTitle';
import { RoleTags } from '../components/RoleGrantsInput';
import { useProblem } from '../components/useProblem';
import { usePaging } from '../hooks/usePaging';
import { useRequest } from '../hooks/useRequest';
import { useI18n } from '../i18n';
import { fmtTime } from '../utils/format';
import { ClientFormModal } from './ClientFormModal';

export default function ClientsPage() {
  const { t } = useI18n();
  const { can } = useAuth();
  const { message } = App.useApp();
  const showProblem = useProblem();
  const paging = usePaging();
  const [open, setOpen] = useState(false);
  const canManage = can('org.client.manage');
  const { page, pageSize } = paging;
  const list = useRequest(() => orgApi.clients({ page, pageSize }), [page, pageSize]);
  const { reload } = list;

  const revoke = async (c: Client) => {
    try {
      await orgApi.revokeClient(c.id);
      message.success(t('common.operationDone'));
      reload();
    } catch (e) {
      showProblem(e);
    }
  };

  const columns: TableColumnsType<Client> = [
    { title: t('client.clientId'), dataIndex: 'clientId', width: 180, render: (v: string) => <Typography.Text code>{v}</Typography.Text> },
    { title: t('client.name'), dataIndex: 'name', width: 160 },
    {
      title: t('client.kind'),
      dataIndex: 'kind',
      width: 100,
      render: (v: Client['kind']) => <Tag color={v === 'agent' ? 'purple' : 'blue'}>{t(`client.kind.${v}`)}</Tag>,
    },
    { title: t('client.department'), dataIndex: 'departmentName', width: 160 },
    { title: t('user.roles'), dataIndex: 'roles', render: (_v, c) => <RoleTags roles={c.roles ?? []} /> },
    {
      title: t('client.fingerprint'),
      dataIndex: 'keyFingerprint',
      width: 200,
      render: (v: string) => (
        <Typography.Text code copyable={{ text: v }} ellipsis style={{ maxWidth: 180 }}>
          {v}
        </Typography.Text>
      ),
    },
    {
      title: t('common.status'),
      dataIndex: 'revokedAt',
      width: 120,
      render: (v: string | null) => (v ? <Tag color="error" title={fmtTime(v)}>{t('client.revoked')}</Tag> : <Tag color="success">{t('client.active')}</Tag>),
    },
    { title: t('client.lastUsed'), dataIndex: 'lastUsedAt', width: 170, render: (v: string | null) => fmtTime(v) },
  ];
  if (canManage) {
    columns.push({
      title: t('common.actions'),
      key: 'actions',
      width: 90,
      fixed: 'right',
      render: (_v, c) =>
        !c.revokedAt && (
          <Popconfirm title={t('client.revokeConfirm', { name: c.name })} onConfirm={() => revoke(c)} okButtonProps={{ danger: true }}>
            <Button type="link" size="small" danger data-testid="client-revoke">
              {t('client.revoke')}
            </Button>
          </Popconfirm>
        ),
    });
  }

  return (
    <div data-testid="page-clients">
      <PageTitle
        title={t('client.title')}
        extra={
          canManage && (
            <CreateButton onClick={() => setOpen(true)} testId="client-create">
              {t('client.create')}
            </CreateButton>
          )
        }
      />
      <PagedTable<Client>
        list={list}
        paging={paging}
        columns={columns}
        scroll={{ x: 1300 }}
        rowTestId="client-row"
        rowData={(c) => ({ 'data-id': c.id })}
      />
      <ClientFormModal
        open={open}
        onClose={() => setOpen(false)}
        onSaved={() => {
          setOpen(false);
          reload();
        }}
      />
    </div>
  );
}
