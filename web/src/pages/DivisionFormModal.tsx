import { Form, Input } from 'antd';
import { useEffect } from 'react';
import { orgApi } from '../api/org';
import type { DivisionNode } from '../api/types';
import { DivisionTreeSelect } from '../components/DivisionTreeSelect';
import { FormModal } from '../components/FormModal';
import { useFormSubmit } from '../hooks/useFormSubmit';
import { useI18n } from '../i18n';

export type DivisionModalState = { mode: 'create'; parentCode?: string } | { mode: 'rename'; node: DivisionNode } | null;

interface Values {
  code: string;
  name: string;
  parentCode?: string;
}

const CODE = /^[0-9]{6}([0-9]{3}([0-9]{3})?)?$/;

export function DivisionFormModal({
  state,
  tree,
  onClose,
  onSaved,
}: {
  state: DivisionModalState;
  tree: DivisionNode[];
  onClose: () => void;
  onSaved: (code: string) => void;
}) {
  const { t } = useI18n();
  const [form] = Form.useForm<Values>();
  const { busy, submit } = useFormSubmit(form);

  useEffect(() => {
    if (!state) return;
    form.resetFields();
    if (state.mode === 'rename') form.setFieldsValue({ name: state.node.name });
    else form.setFieldsValue({ parentCode: state.parentCode });
  }, [state, form]);

  /** Saves and answers the code to select afterwards. */
  const save = async (v: Values, s: NonNullable<DivisionModalState>): Promise<string> => {
    if (s.mode === 'rename') {
      await orgApi.renameDivision(s.node.code, v.name.trim());
      return s.node.code;
    }
    const body: { code: string; name: string; parentCode?: string } = { code: v.code.trim(), name: v.name.trim() };
    if (v.parentCode) body.parentCode = v.parentCode;
    const created = await orgApi.createDivision(body);
    return created?.code ?? body.code;
  };
  const onFinish = (v: Values) => {
    if (state) void submit(() => save(v, state), t(state.mode === 'rename' ? 'common.saved' : 'common.created'), onSaved);
  };

  const creating = state?.mode === 'create';
  return (
    <FormModal
      open={!!state}
      title={creating ? t('division.create') : `${t('division.rename')} · ${state?.mode === 'rename' ? state.node.code : ''}`}
      onCancel={onClose}
      form={form}
      busy={busy}
      submitTestId="division-form-submit"
    >
      <Form<Values> form={form} layout="vertical" onFinish={onFinish}>
        {creating && (
          <Form.Item name="parentCode" label={t('division.parent')}>
            <DivisionTreeSelect tree={tree} allowClear placeholder={t('division.noParent')} testId="division-form-parent" />
          </Form.Item>
        )}
        {creating && (
          <Form.Item
            name="code"
            label={t('division.code')}
            rules={[
              { required: true, message: t('division.codeRequired') },
              { pattern: CODE, message: t('division.codeFormat') },
            ]}
          >
            <Input maxLength={12} style={{ fontFamily: 'monospace' }} data-testid="division-form-code" />
          </Form.Item>
        )}
        <Form.Item name="name" label={t('division.name')} rules={[{ required: true, whitespace: true, message: t('division.nameRequired') }, { max: 100 }]}>
          <Input maxLength={100} data-testid="division-form-name" />
        </Form.Item>
      </Form>
    </FormModal>
  );
}
