import { Alert, App, Button, Card, Typography } from 'antd';
import { LogoutOutlined } from '@ant-design/icons';
import { useNavigate } from 'react-router-dom';
import { useAuth, useMe } from '../auth/AuthContext';
import { ChangePasswordForm } from '../components/ChangePasswordForm';
import { Logo } from '../components/Logo';
import { useT } from '../i18n';

/** 强制修改初始密码: the only page a user with `mustChangePassword` can reach. */
export function ChangePasswordPage() {
  const t = useT();
  const me = useMe();
  const { refresh, logout } = useAuth();
  const navigate = useNavigate();
  const { message } = App.useApp();

  const onDone = async () => {
    message.success(t('pwd.changedRelogin'));
    await refresh();
    navigate('/', { replace: true });
  };

  return (
    <div className="zt-login">
      <Card className="zt-login-card" style={{ width: 520 }} variant="borderless" data-testid="forced-password-page">
        <div className="zt-login-head">
          <Logo size={40} />
          <div>
            <Typography.Title level={4} style={{ margin: 0 }}>
              {t('pwd.forcedTitle')}
            </Typography.Title>
            <Typography.Text type="secondary">
              {me.displayName}（{me.username}）· {me.departmentName}
            </Typography.Text>
          </div>
        </div>
        <Alert type="warning" showIcon title={t('pwd.forcedNotice')} style={{ margin: '16px 0' }} />
        <ChangePasswordForm onDone={onDone} />
        <div style={{ textAlign: 'right', marginTop: 8 }}>
          <Button
            type="link"
            icon={<LogoutOutlined />}
            onClick={async () => {
              await logout();
              navigate('/login', { replace: true });
            }}
            data-testid="header-logout"
          >
            {t('header.logout')}
          </Button>
        </div>
      </Card>
    </div>
  );
}
