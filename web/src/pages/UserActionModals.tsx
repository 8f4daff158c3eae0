import { Alert, App, Form, Modal } from 'antd';
import { useEffect, useState } from 'react';
import { orgApi } from '../api/org';
import type { RoleGrant, User } from '../api/types';
import { useAuth } from '../auth/AuthContext';
import { PasswordField, passwordRules } from '../components/PasswordField';
import { RoleGrantsInput } from '../components/RoleGrantsInput';
import { useProblem } from '../components/useProblem';
import { useI18n } from '../i18n';

interface Props {
  user: User | null;
  onClose: () => void;
  onDone: () => void;
}

/** 分配角色: replaces the user's role grants (PUT /api/users/{id}/roles). */
export function UserRolesModal({ user, onClose, onDone }: Props) {
  const { t } = useI18n();
  const { scopeOf } = useAuth();
  const { message } = App.useApp();
  const showProblem = useProblem();
  const [form] = Form.useForm<{ roles: RoleGrant[] }>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (user) form.setFieldsValue({ roles: user.roles.map((r) => ({ ...r })) });
  }, [user, form]);

  const onFinish = async (v: { roles: RoleGrant[] }) => {
    if (!user) return;
    setBusy(true);
    try {
      await orgApi.setUserRoles(user.id, v.roles ?? []);
      message.success(t('common.saved'));
      onDone();
    } catch (e) {
      showProblem(e, form);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={!!user}
      title={user ? `${t('user.editRoles')} · ${user.displayName}（${user.username}）` : ''}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('common.save')}
      okButtonProps={{ loading: busy, 'data-testid': 'roles-form-submit' }}
      width={600}
      forceRender
    >
      <Form form={form} onFinish={onFinish}>
        <RoleGrantsInput maxScope={scopeOf('org.user.manage')} testIdPrefix="roles-form" />
      </Form>
    </Modal>
  );
}

/** 重置密码: the admin sets a one-time password the user must change at next sign-in. */
export function ResetPasswordModal({ user, onClose, onDone }: Props) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const showProblem = useProblem();
  const [form] = Form.useForm<{ temporaryPassword: string }>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (user) form.resetFields();
  }, [user, form]);

  const onFinish = async (v: { temporaryPassword: string }) => {
    if (!user) return;
    setBusy(true);
    try {
      await orgApi.resetPassword(user.id, v.temporaryPassword);
      message.success(t('user.resetDone'));
      onDone();
    } catch (e) {
      showProblem(e, form);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={!!user}
      title={user ? `${t('user.resetPassword')} · ${user.displayName}（${user.username}）` : ''}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('common.confirm')}
      okButtonProps={{ loading: busy, 'data-testid': 'reset-form-submit' }}
      forceRender
    >
      <Alert type="info" showIcon title={t('user.resetPasswordHelp')} style={{ marginBottom: 16 }} />
      <Form form={form} layout="vertical" onFinish={onFinish}>
        <Form.Item name="temporaryPassword" label={t('user.temporaryPassword')} rules={passwordRules(t)}>
          <PasswordField generator testId="reset-form-password" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
