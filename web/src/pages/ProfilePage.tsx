import { App, Button, Card, Col, Descriptions, Popconfirm, Row, Table, Tag, Tooltip, Typography, type TableColumnsType } from 'antd';
import { useNavigate } from 'react-router-dom';
import { authApi } from '../api/auth';
import type { SessionInfo } from '../api/types';
import { useAuth, useMe } from '../auth/AuthContext';
import { ChangePasswordForm } from '../components/ChangePasswordForm';
import { ErrorAlert } from '../components/ErrorAlert';
import { PageTitle } from '../components/PageTitle';
import { RoleTags } from '../components/RoleGrantsInput';
import { useProblem } from '../components/useProblem';
import { useRequest } from '../hooks/useRequest';
import { useI18n } from '../i18n';
import { describeUserAgent, fmtTime } from '../utils/format';
import { rowProps } from '../utils/testid';

function Sessions() {
  const { t } = useI18n();
  const { forget } = useAuth();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const showProblem = useProblem();
  const { data, loading, error, reload } = useRequest(() => authApi.sessions(), []);

  const revoke = async (s: SessionInfo) => {
    try {
      await authApi.revokeSession(s.id);
      message.success(t('profile.session.revoked'));
      if (s.current) {
        forget();
        navigate('/login', { replace: true });
      } else reload();
    } catch (e) {
      showProblem(e);
    }
  };

  const columns: TableColumnsType<SessionInfo> = [
    {
      title: t('profile.session.device'),
      key: 'device',
      render: (_v, s) => (
        <span>
          <Tooltip title={s.userAgent}>{describeUserAgent(s.userAgent)}</Tooltip>
          {s.current && (
            <Tag color="blue" style={{ marginLeft: 8 }}>
              {t('profile.session.current')}
            </Tag>
          )}
        </span>
      ),
    },
    { title: 'IP', dataIndex: 'ip', width: 140, render: (v: string | null) => v ?? '—' },
    { title: t('profile.session.createdAt'), dataIndex: 'createdAt', width: 170, render: (v: string) => fmtTime(v) },
    { title: t('profile.session.lastSeen'), dataIndex: 'lastSeenAt', width: 170, render: (v: string) => fmtTime(v) },
    { title: t('profile.session.expires'), dataIndex: 'expiresAt', width: 170, render: (v: string) => fmtTime(v) },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 90,
      render: (_v, s) => (
        <Popconfirm title={t(s.current ? 'profile.session.revokeCurrentConfirm' : 'profile.session.revokeConfirm')} onConfirm={() => revoke(s)}>
          <Button type="link" size="small" danger data-testid="session-revoke">
            {t('profile.session.revoke')}
          </Button>
        </Popconfirm>
      ),
    },
  ];

  return (
    <Card title={t('profile.sessions')} style={{ marginBottom: 16 }}>
      {error && <ErrorAlert error={error} onRetry={reload} />}
      <Table<SessionInfo>
        rowKey="id"
        size="middle"
        loading={loading}
        columns={columns}
        dataSource={data?.items ?? []}
        pagination={false}
        scroll={{ x: 900 }}
        onRow={(s) => rowProps('session-row', { 'data-current': String(s.current) })}
      />
    </Card>
  );
}

export default function ProfilePage() {
  const { t } = useI18n();
  const me = useMe();
  const { message } = App.useApp();
  const perms = Object.entries(me.permissions ?? {}).sort(([a], [b]) => a.localeCompare(b));

  return (
    <div data-testid="page-profile">
      <PageTitle title={t('profile.title')} />
      <Row gutter={16}>
        <Col xs={24} xl={14}>
          <Card title={t('profile.info')} style={{ marginBottom: 16 }}>
            <Descriptions
              column={1}
              size="small"
              bordered
              items={[
                { key: 'u', label: t('user.username'), children: <Typography.Text code>{me.username}</Typography.Text> },
                { key: 'n', label: t('user.displayName'), children: me.displayName },
                { key: 'd', label: t('home.department'), children: me.departmentName },
                { key: 'v', label: t('home.division'), children: `${me.divisionName}（${me.divisionCode}）` },
                { key: 'r', label: t('home.roles'), children: me.roles.length ? <RoleTags roles={me.roles} /> : t('home.noRoles') },
                {
                  key: 'p',
                  label: t('profile.permissions'),
                  children: perms.length
                    ? perms.map(([p, s]) => (
                        <Tag key={p} style={{ marginBottom: 4 }}>
                          {p} · {t(`scope.${s}`)}
                        </Tag>
                      ))
                    : '—',
                },
              ]}
            />
          </Card>
        </Col>
        <Col xs={24} xl={10}>
          <Card title={t('pwd.title')} style={{ marginBottom: 16 }}>
            <ChangePasswordForm onDone={() => void message.success(t('pwd.changed'))} />
          </Card>
        </Col>
      </Row>
      <Sessions />
    </div>
  );
}
