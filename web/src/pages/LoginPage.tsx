import { Alert, Button, Card, Form, Input, Segmented, Typography } from 'antd';
import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { useState } from 'react';
import { Navigate, useLocation } from 'react-router-dom';
import { isApiError } from '../api/client';
import { useAuth } from '../auth/AuthContext';
import { Logo } from '../components/Logo';
import { invalidateReferences } from '../hooks/useReference';
import { useI18n, type Lang } from '../i18n';
import { fmtTime } from '../utils/format';

interface LoginForm {
  username: string;
  password: string;
}

export function LoginPage() {
  const { t, lang, setLang } = useI18n();
  const { me, login, sessionEnded } = useAuth();
  const location = useLocation();
  const [form] = Form.useForm<LoginForm>();
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<string | null>(null);

  if (me) {
    const from = (location.state as { from?: string } | null)?.from;
    const to = me.mustChangePassword ? '/change-password' : from && from !== '/login' ? from : '/';
    return <Navigate to={to} replace />;
  }

  const onFinish = async (v: LoginForm) => {
    setSubmitting(true);
    setError(null);
    try {
      invalidateReferences();
      await login(v.username.trim(), v.password);
    } catch (e) {
      form.setFieldValue('password', '');
      if (!isApiError(e)) {
        setError(String(e));
      } else if (e.code === 'AUTH_INVALID_CREDENTIALS') {
        setError(t('login.invalid'));
      } else if (e.code === 'AUTH_ACCOUNT_LOCKED') {
        const until = typeof e.problem.lockedUntil === 'string' ? e.problem.lockedUntil : null;
        setError(until ? t('login.locked', { time: fmtTime(until) }) : t('login.lockedNoTime'));
      } else if (e.code === 'AUTH_TOO_MANY_ATTEMPTS') {
        const seconds = typeof e.problem.retryAfter === 'number' ? e.problem.retryAfter : null;
        setError(seconds ? t('login.throttled', { minutes: Math.ceil(seconds / 60) }) : e.text(lang));
      } else if (e.code === 'AUTH_ACCOUNT_DISABLED') {
        setError(t('login.disabled'));
      } else {
        setError(e.text(lang));
      }
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <div className="zt-login">
      <Card className="zt-login-card" variant="borderless">
        <div style={{ display: 'flex', justifyContent: 'flex-end', marginBottom: 8 }}>
          <Segmented<Lang>
            size="small"
            value={lang}
            onChange={setLang}
            options={[
              { value: 'zh', label: t('lang.zh') },
              { value: 'en', label: t('lang.en') },
            ]}
            data-testid="lang-switch"
          />
        </div>
        <div className="zt-login-head">
          <Logo size={44} />
          <div>
            <Typography.Title level={3} style={{ margin: 0 }}>
              {t('app.name')}
            </Typography.Title>
            <Typography.Text type="secondary">{t('app.subtitle')}</Typography.Text>
          </div>
        </div>
        <Typography.Title level={5} style={{ marginTop: 24 }}>
          {t('login.title')}
        </Typography.Title>
        {sessionEnded && !error && <Alert type="warning" showIcon title={t('login.sessionExpired')} style={{ marginBottom: 16 }} />}
        {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} data-testid="login-error" />}
        <Form<LoginForm> form={form} layout="vertical" onFinish={onFinish} requiredMark={false} size="large" data-testid="login-form">
          <Form.Item name="username" label={t('login.username')} rules={[{ required: true, whitespace: true, message: t('login.usernameRequired') }]}>
            <Input prefix={<UserOutlined />} autoComplete="username" autoFocus data-testid="login-username" />
          </Form.Item>
          <Form.Item name="password" label={t('login.password')} rules={[{ required: true, message: t('login.passwordRequired') }]}>
            <Input.Password prefix={<LockOutlined />} autoComplete="current-password" data-testid="login-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={submitting} data-testid="login-submit">
            {t('login.submit')}
          </Button>
        </Form>
        <Typography.Paragraph type="secondary" style={{ fontSize: 12, marginTop: 20, marginBottom: 0 }}>
          {t('login.notice')}
        </Typography.Paragraph>
      </Card>
    </div>
  );
}
