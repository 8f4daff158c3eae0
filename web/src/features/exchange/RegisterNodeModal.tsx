import { Button, Form, Input, Modal } from 'antd';
import { useState } from 'react';
import { DepartmentSelect } from '../../components/DepartmentSelect';
import { FormModal } from '../../components/FormModal';
import { useFormSubmit } from '../../hooks/useFormSubmit';
import { useI18n } from '../../i18n';
import { exchangeApi, type EnrolToken } from './api';
import { EnrolTokenView } from './EnrolTokenView';

interface Values {
  code: string;
  name: string;
  departmentId: string;
}

/**
 * 登记节点: code, name, department; on success the same modal turns into the one-time token view.
 * The list reloads when the token view is closed.
 */
export function RegisterNodeModal({ open, onClose, onRegistered }: { open: boolean; onClose: () => void; onRegistered: () => void }) {
  const { t } = useI18n();
  const [form] = Form.useForm<Values>();
  const { busy, submit } = useFormSubmit(form);
  const [issued, setIssued] = useState<{ code: string; token: EnrolToken } | null>(null);

  const close = () => {
    if (issued) onRegistered();
    onClose();
  };

  if (issued) {
    return (
      <Modal
        open={open}
        title={t('exchange.node.tokenTitle')}
        onCancel={close}
        maskClosable={false}
        afterClose={() => {
          setIssued(null);
          form.resetFields();
        }}
        footer={
          <Button type="primary" onClick={close} data-testid="enrol-token-done">
            {t('exchange.node.tokenDone')}
          </Button>
        }
        width={640}
      >
        <EnrolTokenView nodeCode={issued.code} token={issued.token} />
      </Modal>
    );
  }

  return (
    <FormModal open={open} title={t('exchange.node.registerTitle')} form={form} busy={busy} submitTestId="node-register-submit" okText={t('exchange.node.register')} onCancel={close} afterClose={() => form.resetFields()}>
      <Form<Values>
        form={form}
        layout="vertical"
        onFinish={(v) =>
          submit(
            () => exchangeApi.registerNode({ code: v.code.trim(), name: v.name.trim(), departmentId: v.departmentId }),
            t('exchange.node.registered'),
            (r) => setIssued({ code: r.node.code, token: { enrolToken: r.enrolToken, enrolTokenExpiresAt: r.enrolTokenExpiresAt } }),
          )
        }
      >
        <Form.Item name="departmentId" label={t('exchange.node.department')} rules={[{ required: true, message: t('exchange.required') }]}>
          <DepartmentSelect testId="node-register-department" />
        </Form.Item>
        <Form.Item
          name="code"
          label={t('exchange.node.code')}
          extra={t('exchange.node.codeHelp')}
          rules={[
            { required: true, message: t('exchange.required') },
            { pattern: /^[a-z0-9][a-z0-9-]{1,62}$/, message: t('exchange.node.codeInvalid') },
          ]}
        >
          <Input maxLength={63} placeholder="nc-amr-01" data-testid="node-register-code" />
        </Form.Item>
        <Form.Item name="name" label={t('exchange.node.name')} rules={[{ required: true, whitespace: true, message: t('exchange.required') }]}>
          <Input maxLength={200} placeholder={t('exchange.node.namePlaceholder')} data-testid="node-register-name" />
        </Form.Item>
      </Form>
    </FormModal>
  );
}
