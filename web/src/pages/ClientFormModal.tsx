import { Form, Input, Radio } from 'antd';
import { useEffect } from 'react';
import { orgApi, type ClientInput } from '../api/org';
import type { Client } from '../api/types';
import { useAuth, useMe } from '../auth/AuthContext';
import { DepartmentSelect } from '../components/DepartmentSelect';
import { FormModal } from '../components/FormModal';
import { RoleGrantsInput } from '../components/RoleGrantsInput';
import { useFormSubmit } from '../hooks/useFormSubmit';
import { useI18n } from '../i18n';

/** The form asks for exactly what the create call takes. */
type Values = ClientInput;

const CLIENT_ID = /^[a-z0-9][a-z0-9._-]{2,63}$/;
const HEX_KEY = /^04[0-9a-fA-F]{128}$/;
const PEM_KEY = /^-----BEGIN PUBLIC KEY-----[\s\S]+-----END PUBLIC KEY-----$/;

export function ClientFormModal({ open, onClose, onSaved }: { open: boolean; onClose: () => void; onSaved: (c: Client) => void }) {
  const { t } = useI18n();
  const me = useMe();
  const { scopeOf } = useAuth();
  const [form] = Form.useForm<Values>();
  const { busy, submit } = useFormSubmit(form);

  useEffect(() => {
    if (!open) return;
    form.resetFields();
    form.setFieldsValue({ kind: 'system', departmentId: me.departmentId, roles: [] });
  }, [open, form, me.departmentId]);

  const onFinish = (v: Values) =>
    submit(
      () => orgApi.createClient({ ...v, clientId: v.clientId.trim(), name: v.name.trim(), publicKey: v.publicKey.trim(), roles: v.roles ?? [] }),
      t('common.created'),
      onSaved,
    );

  return (
    <FormModal open={open} title={t('client.create')} onCancel={onClose} form={form} busy={busy} submitTestId="client-form-submit" width={680}>
      <Form<Values> form={form} layout="vertical" onFinish={onFinish}>
        <Form.Item
          name="clientId"
          label={t('client.clientId')}
          rules={[
            { required: true, message: t('client.clientIdRequired') },
            { pattern: CLIENT_ID, message: t('client.clientIdFormat') },
          ]}
        >
          <Input maxLength={64} style={{ fontFamily: 'monospace' }} data-testid="client-form-client-id" />
        </Form.Item>
        <Form.Item name="name" label={t('client.name')} rules={[{ required: true, whitespace: true, message: t('client.nameRequired') }]}>
          <Input maxLength={100} data-testid="client-form-name" />
        </Form.Item>
        <Form.Item name="kind" label={t('client.kind')} rules={[{ required: true }]}>
          <Radio.Group
            options={[
              { value: 'system', label: t('client.kind.system') },
              { value: 'agent', label: t('client.kind.agent') },
            ]}
          />
        </Form.Item>
        <Form.Item name="departmentId" label={t('client.department')} rules={[{ required: true, message: t('user.departmentRequired') }]}>
          <DepartmentSelect initialOption={{ value: me.departmentId, label: me.departmentName }} testId="client-form-department" />
        </Form.Item>
        <Form.Item
          name="publicKey"
          label={t('client.publicKey')}
          extra={t('client.publicKeyHelp')}
          rules={[
            { required: true, whitespace: true, message: t('client.publicKeyRequired') },
            {
              validator: async (_r, v: string | undefined) => {
                const s = v?.trim();
                if (s && !HEX_KEY.test(s) && !PEM_KEY.test(s)) throw new Error(t('client.publicKeyFormat'));
              },
            },
          ]}
        >
          <Input.TextArea rows={4} style={{ fontFamily: 'monospace', fontSize: 12 }} data-testid="client-form-public-key" />
        </Form.Item>
        <Form.Item label={t('user.roles')}>
          <RoleGrantsInput maxScope={scopeOf('org.client.manage')} testIdPrefix="client-form" />
        </Form.Item>
      </Form>
    </FormModal>
  );
}
