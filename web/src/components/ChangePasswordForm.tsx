import { Alert, Button, Form } from 'antd';
import { useState } from 'react';
import { authApi } from '../api/auth';
import { useI18n } from '../i18n';
import { PasswordField, passwordRules } from './PasswordField';
import { useProblem } from './useProblem';

interface Values {
  currentPassword: string;
  newPassword: string;
  confirm: string;
}

/** Current password + new password twice, checked against the policy before it is sent. */
export function ChangePasswordForm({ onDone }: { onDone: () => void | Promise<void> }) {
  const { t } = useI18n();
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);
  const showProblem = useProblem();

  const onFinish = async (v: Values) => {
    setBusy(true);
    try {
      await authApi.changePassword(v.currentPassword, v.newPassword);
      form.resetFields();
      await onDone();
    } catch (e) {
      showProblem(e, form);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Form<Values> form={form} layout="vertical" onFinish={onFinish} style={{ maxWidth: 440 }} data-testid="password-form">
      <Alert type="info" showIcon title={t('pwd.policy')} style={{ marginBottom: 16 }} />
      <Form.Item name="currentPassword" label={t('pwd.current')} rules={[{ required: true, message: t('pwd.currentRequired') }]}>
        <PasswordField autoComplete="current-password" strength={false} testId="pwd-current" />
      </Form.Item>
      <Form.Item
        name="newPassword"
        label={t('pwd.new')}
        dependencies={['currentPassword']}
        rules={[
          ...passwordRules(t),
          ({ getFieldValue }) => ({
            validator: async (_r, value: string | undefined) => {
              if (value && value === getFieldValue('currentPassword')) throw new Error(t('pwd.sameAsOld'));
            },
          }),
        ]}
      >
        <PasswordField testId="pwd-new" />
      </Form.Item>
      <Form.Item
        name="confirm"
        label={t('pwd.confirm')}
        dependencies={['newPassword']}
        rules={[
          { required: true, message: t('pwd.confirmRequired') },
          ({ getFieldValue }) => ({
            validator: async (_r, value: string | undefined) => {
              if (value && value !== getFieldValue('newPassword')) throw new Error(t('pwd.mismatch'));
            },
          }),
        ]}
      >
        <PasswordField strength={false} testId="pwd-confirm" />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={busy} data-testid="pwd-submit">
        {t('pwd.submit')}
      </Button>
    </Form>
  );
}
