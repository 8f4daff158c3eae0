import { Alert, Form, Input } from 'antd';
import { useEffect } from 'react';
import { orgApi, type UserInput, type UserPatch } from '../api/org';
import type { User } from '../api/types';
import { useAuth, useMe } from '../auth/AuthContext';
import { DepartmentSelect } from '../components/DepartmentSelect';
import { FormModal } from '../components/FormModal';
import { PasswordField, passwordRules } from '../components/PasswordField';
import { RoleGrantsInput } from '../components/RoleGrantsInput';
import type { EditorModalProps } from '../hooks/useEditor';
import { useFormSubmit } from '../hooks/useFormSubmit';
import { useI18n } from '../i18n';

/** The form's fields are the create call's; editing shows only the ones a patch may change. */
type Values = UserInput;

const USERNAME = /^[A-Za-z][A-Za-z0-9_.-]{2,63}$/;
const PHONE = /^[0-9+\- ]{5,20}$/;

export function UserFormModal({ open, editing, onClose, onSaved }: EditorModalProps<User>) {
  const { t } = useI18n();
  const me = useMe();
  const { scopeOf } = useAuth();
  const [form] = Form.useForm<Values>();
  const { busy, submit } = useFormSubmit(form);

  useEffect(() => {
    if (!open) return;
    form.resetFields();
    if (editing) {
      form.setFieldsValue({ displayName: editing.displayName, email: editing.email ?? undefined, phone: editing.phone ?? undefined });
    } else {
      form.setFieldsValue({ departmentId: me.departmentId, roles: [{ role: 'window_staff', scope: 'department' }] });
    }
  }, [open, editing, form, me.departmentId]);

  /** Editing sends only what changed (null clears a contact field); creating sends the whole body. */
  const save = async (v: Values): Promise<User> => {
    const email = v.email?.trim() || undefined;
    const phone = v.phone?.trim() || undefined;
    if (editing) {
      const patch: UserPatch = { displayName: v.displayName.trim() };
      if (email !== (editing.email ?? undefined)) Object.assign(patch, { email: email ?? null });
      if (phone !== (editing.phone ?? undefined)) Object.assign(patch, { phone: phone ?? null });
      return orgApi.updateUser(editing.id, patch);
    }
    const body: UserInput = {
      username: v.username.trim(),
      displayName: v.displayName.trim(),
      departmentId: v.departmentId,
      initialPassword: v.initialPassword,
      roles: v.roles ?? [],
    };
    if (email) body.email = email;
    if (phone) body.phone = phone;
    return orgApi.createUser(body);
  };
  const onFinish = (v: Values) => submit(() => save(v), editing ? t('common.saved') : t('common.created'), onSaved);

  return (
    <FormModal
      open={open}
      title={editing ? `${t('user.edit')} · ${editing.username}` : t('user.create')}
      onCancel={onClose}
      form={form}
      busy={busy}
      submitTestId="user-form-submit"
      cancelButtonProps={{ 'data-testid': 'user-form-cancel' }}
      width={680}
    >
      <Form<Values> form={form} layout="vertical" onFinish={onFinish} data-testid="user-form">
        {!editing && (
          <Form.Item
            name="username"
            label={t('user.username')}
            rules={[
              { required: true, whitespace: true, message: t('user.usernameRequired') },
              { pattern: USERNAME, message: t('user.usernameFormat') },
            ]}
          >
            <Input autoComplete="off" maxLength={64} data-testid="user-form-username" />
          </Form.Item>
        )}
        <Form.Item name="displayName" label={t('user.displayName')} rules={[{ required: true, whitespace: true, message: t('user.displayNameRequired') }, { max: 50 }]}>
          <Input maxLength={50} data-testid="user-form-display-name" />
        </Form.Item>
        {!editing && (
          <Form.Item name="departmentId" label={t('user.department')} rules={[{ required: true, message: t('user.departmentRequired') }]}>
            <DepartmentSelect initialOption={{ value: me.departmentId, label: me.departmentName }} testId="user-form-department" />
          </Form.Item>
        )}
        <Form.Item name="email" label={t('user.email')} rules={[{ type: 'email', message: t('user.emailFormat') }]}>
          <Input maxLength={200} data-testid="user-form-email" />
        </Form.Item>
        <Form.Item name="phone" label={t('user.phone')} rules={[{ pattern: PHONE, message: t('user.phoneFormat') }]}>
          <Input maxLength={20} data-testid="user-form-phone" />
        </Form.Item>
        {!editing && (
          <>
            <Form.Item name="initialPassword" label={t('user.initialPassword')} rules={passwordRules(t)} extra={t('user.initialPasswordHelp')}>
              <PasswordField generator testId="user-form-initial-password" />
            </Form.Item>
            <Form.Item label={t('user.roles')} required={false}>
              <RoleGrantsInput maxScope={scopeOf('org.user.manage')} testIdPrefix="user-form" />
            </Form.Item>
          </>
        )}
        {editing && <Alert type="info" showIcon title={t('user.resetPasswordHelp')} />}
      </Form>
    </FormModal>
  );
}
