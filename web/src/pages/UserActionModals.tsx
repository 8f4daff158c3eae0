import { Alert, Form } from 'antd';
import { useEffect } from 'react';
import { orgApi } from '../api/org';
import type { RoleGrant, User } from '../api/types';
import { useAuth } from '../auth/AuthContext';
import { FormModal } from '../components/FormModal';
import { PasswordField, passwordRules } from '../components/PasswordField';
import { RoleGrantsInput } from '../components/RoleGrantsInput';
import { useFormSubmit } from '../hooks/useFormSubmit';
import { useI18n } from '../i18n';

interface Props {
  user: User | null;
  onClose: () => void;
  onDone: () => void;
}

/** Both actions name the user they act on: 动作 · 姓名（用户名）. */
const titleFor = (action: string, user: User | null) => (user ? `${action} · ${user.displayName}（${user.username}）` : '');

/** 分配角色: replaces the user's role grants (PUT /api/users/{id}/roles). */
export function UserRolesModal({ user, onClose, onDone }: Props) {
  const { t } = useI18n();
  const { scopeOf } = useAuth();
  const [form] = Form.useForm<{ roles: RoleGrant[] }>();
  const { busy, submit } = useFormSubmit(form);

  useEffect(() => {
    if (user) form.setFieldsValue({ roles: user.roles.map((r) => ({ ...r })) });
  }, [user, form]);

  const onFinish = (v: { roles: RoleGrant[] }) => {
    if (user) void submit(() => orgApi.setUserRoles(user.id, v.roles ?? []), t('common.saved'), onDone);
  };

  return (
    <FormModal
      open={!!user}
      title={titleFor(t('user.editRoles'), user)}
      onCancel={onClose}
      form={form}
      busy={busy}
      submitTestId="roles-form-submit"
      width={600}
    >
      <Form form={form} onFinish={onFinish}>
        <RoleGrantsInput maxScope={scopeOf('org.user.manage')} testIdPrefix="roles-form" />
      </Form>
    </FormModal>
  );
}

/** 重置密码: the admin sets a one-time password the user must change at next sign-in. */
export function ResetPasswordModal({ user, onClose, onDone }: Props) {
  const { t } = useI18n();
  const [form] = Form.useForm<{ temporaryPassword: string }>();
  const { busy, submit } = useFormSubmit(form);

  useEffect(() => {
    if (user) form.resetFields();
  }, [user, form]);

  const onFinish = (v: { temporaryPassword: string }) => {
    if (user) void submit(() => orgApi.resetPassword(user.id, v.temporaryPassword), t('user.resetDone'), onDone);
  };

  return (
    <FormModal
      open={!!user}
      title={titleFor(t('user.resetPassword'), user)}
      onCancel={onClose}
      form={form}
      busy={busy}
      submitTestId="reset-form-submit"
      okText={t('common.confirm')}
    >
      <Alert type="info" showIcon title={t('user.resetPasswordHelp')} style={{ marginBottom: 16 }} />
      <Form form={form} layout="vertical" onFinish={onFinish}>
        <Form.Item name="temporaryPassword" label={t('user.temporaryPassword')} rules={passwordRules(t)}>
          <PasswordField generator testId="reset-form-password" />
        </Form.Item>
      </Form>
    </FormModal>
  );
}
