import { Alert, Checkbox, Form, Input, Select } from 'antd';
import { useEffect, useState } from 'react';
import { isApiError } from '../api/client';
import { orgApi, type DepartmentInput, type DepartmentPatch } from '../api/org';
import type { Department } from '../api/types';
import { useMe } from '../auth/AuthContext';
import { DepartmentSelect } from '../components/DepartmentSelect';
import { DivisionTreeSelect } from '../components/DivisionTreeSelect';
import { FormModal } from '../components/FormModal';
import type { EditorModalProps } from '../hooks/useEditor';
import { useFormSubmit } from '../hooks/useFormSubmit';
import { useDepartmentKinds } from '../hooks/useReference';
import { useI18n } from '../i18n';
import { checkUscc } from '../utils/uscc';

/** The form's fields are the create call's; editing shows only the ones a patch may change. */
type Values = DepartmentInput;

export function DepartmentFormModal({ open, editing, onClose, onSaved }: EditorModalProps<Department>) {
  const { t, lang } = useI18n();
  const me = useMe();
  const kinds = useDepartmentKinds();
  const [form] = Form.useForm<Values>();
  const [offerLegacy, setOfferLegacy] = useState(false);
  // A code the server refuses may be an old one: offer the 旧代码 box for it.
  const { busy, submit } = useFormSubmit(form, (e) => {
    if (isApiError(e) && e.code === 'USCC_INVALID') setOfferLegacy(true);
  });
  const legacy = Form.useWatch('legacyCode', form);

  useEffect(() => {
    if (!open) return;
    form.resetFields();
    if (editing) {
      form.setFieldsValue({
        name: editing.name,
        shortName: editing.shortName ?? undefined,
        uscc: editing.uscc,
        legacyCode: editing.legacyCode,
        kind: editing.kind,
      });
      setOfferLegacy(editing.legacyCode);
    } else {
      form.setFieldsValue({ divisionCode: me.divisionCode });
      setOfferLegacy(false);
    }
  }, [open, editing, form, me.divisionCode]);

  /** Editing sends the code only when it (or its 旧代码 mark) changed; creating sends the whole body. */
  const save = async (v: Values): Promise<Department> => {
    const uscc = v.uscc.trim().toUpperCase();
    const legacyCode = offerLegacy && !!v.legacyCode;
    if (editing) {
      const patch: DepartmentPatch = { name: v.name.trim(), shortName: v.shortName?.trim() ?? '', kind: v.kind };
      if (uscc !== editing.uscc || legacyCode !== editing.legacyCode) Object.assign(patch, { uscc, legacyCode });
      return orgApi.updateDepartment(editing.id, patch);
    }
    const body: DepartmentInput = { name: v.name.trim(), uscc, divisionCode: v.divisionCode, kind: v.kind };
    if (v.shortName?.trim()) body.shortName = v.shortName.trim();
    if (v.parentId) body.parentId = v.parentId;
    if (legacyCode) body.legacyCode = true;
    return orgApi.createDepartment(body);
  };
  const onFinish = (v: Values) => submit(() => save(v), editing ? t('common.saved') : t('common.created'), onSaved);

  const usccRule = {
    validator: async (_r: unknown, value: string | undefined) => {
      if (!value) return;
      const p = checkUscc(value.trim().toUpperCase());
      if (p === 'format') throw new Error(t('dept.usccFormat'));
      if (p === 'check') {
        setOfferLegacy(true);
        if (!form.getFieldValue('legacyCode')) throw new Error(t('dept.usccCheck'));
      }
    },
  };

  return (
    <FormModal
      open={open}
      title={editing ? t('dept.edit') : t('dept.create')}
      onCancel={onClose}
      form={form}
      busy={busy}
      submitTestId="dept-form-submit"
      cancelButtonProps={{ 'data-testid': 'dept-form-cancel' }}
      width={640}
      data-testid="dept-form-modal"
    >
      <Form<Values> form={form} layout="vertical" onFinish={onFinish} data-testid="dept-form">
        <Form.Item name="name" label={t('dept.name')} rules={[{ required: true, whitespace: true, message: t('dept.nameRequired') }, { min: 2, max: 100 }]}>
          <Input maxLength={100} data-testid="dept-form-name" />
        </Form.Item>
        <Form.Item name="shortName" label={t('dept.shortName')} rules={[{ max: 50 }]}>
          <Input maxLength={50} data-testid="dept-form-short-name" />
        </Form.Item>
        <Form.Item
          name="uscc"
          label={t('dept.uscc')}
          dependencies={['legacyCode']}
          normalize={(v: string) => v?.toUpperCase()}
          rules={[{ required: true, whitespace: true, message: t('dept.usccRequired') }, usccRule]}
          extra={legacy && offerLegacy ? <Alert type="warning" showIcon title={t('dept.usccCheck')} style={{ marginTop: 4 }} /> : undefined}
        >
          <Input maxLength={18} style={{ fontFamily: 'monospace' }} data-testid="dept-form-uscc" />
        </Form.Item>
        {offerLegacy && (
          <Form.Item name="legacyCode" valuePropName="checked" style={{ marginTop: -8 }}>
            <Checkbox data-testid="dept-form-legacy-code" onChange={() => setTimeout(() => form.validateFields(['uscc']).catch(() => undefined))}>
              {t('dept.legacyCode')}
            </Checkbox>
          </Form.Item>
        )}
        {editing ? (
          <>
            <Form.Item label={t('dept.division')}>
              <Input disabled value={`${editing.divisionName}（${editing.divisionCode}）`} />
            </Form.Item>
            <Form.Item label={t('dept.parent')}>
              <Input disabled value={editing.parentName ?? t('common.none')} />
            </Form.Item>
          </>
        ) : (
          <>
            <Form.Item name="divisionCode" label={t('dept.division')} rules={[{ required: true, message: t('dept.divisionRequired') }]}>
              <DivisionTreeSelect testId="dept-form-division" />
            </Form.Item>
            <Form.Item name="parentId" label={t('dept.parent')}>
              <DepartmentSelect allowClear testId="dept-form-parent" />
            </Form.Item>
          </>
        )}
        <Form.Item name="kind" label={t('dept.kind')} rules={[{ required: true, message: t('dept.kindRequired') }]}>
          <Select
            showSearch={{ optionFilterProp: 'label' }}
            loading={!kinds}
            options={(kinds ?? []).map((k) => ({ value: k.kind, label: lang === 'zh' ? k.zh : k.en, 'data-testid': 'kind-option' }))}
            data-testid="dept-form-kind"
          />
        </Form.Item>
      </Form>
    </FormModal>
  );
}
