import { Checkbox, Form, Input, InputNumber, Select } from 'antd';
import { useState } from 'react';
import { useAuth } from '../../auth/AuthContext';
import { FormModal } from '../../components/FormModal';
import { useFormSubmit } from '../../hooks/useFormSubmit';
import { useRequest } from '../../hooks/useRequest';
import { useI18n } from '../../i18n';
import { exchangeApi, type ResourceOption, type Topic } from './api';
import { repoint } from './taskForm';

interface Values {
  resourceId: string;
  code: string;
  name: string;
  fields: string[];
  keyField: string;
  eventTypes: string[];
  retentionHours: number;
}

/** 新建主题: a provider opens a topic on its published resource; events carry the chosen shared fields. */
export function CreateTopicModal({ open, onClose, onCreated }: { open: boolean; onClose: () => void; onCreated: (t: Topic) => void }) {
  const { t } = useI18n();
  const { me, scopeOf } = useAuth();
  const [form] = Form.useForm<Values>();
  const { busy, submit } = useFormSubmit(form);
  const [query, setQuery] = useState('');
  const [resource, setResource] = useState<ResourceOption | null>(null);
  const ownOnly = scopeOf('exchange.task.manage') === 'department';
  const resources = useRequest(() => exchangeApi.publishedResources({ q: query.trim() || undefined, providerDepartmentId: ownOnly ? me?.departmentId : undefined }), [query, ownOnly, me?.departmentId], open);
  const version = useRequest(() => exchangeApi.publishedVersion(resource!.id, resource!.publishedVersion!), [resource?.id], !!resource?.publishedVersion);
  const content = version.data?.version.content;
  const shared = (content?.fields ?? []).filter((f) => (f.shareType ?? content?.share.type) !== 'none');
  const chosen: string[] = Form.useWatch('fields', form) ?? [];

  return (
    <FormModal
      open={open}
      title={t('exchange.topic.create')}
      form={form}
      busy={busy}
      submitTestId="topic-create-submit"
      okText={t('common.create')}
      onCancel={onClose}
      afterClose={() => {
        form.resetFields();
        setResource(null);
      }}
      width={640}
    >
      <Form<Values>
        form={form}
        layout="vertical"
        initialValues={{ retentionHours: 168, eventTypes: [] }}
        onFinish={(v) =>
          submit(
            // One checkbox group holds all the fields: /body/fields/3 is shown on it.
            () =>
              exchangeApi
                .createTopic({ ...v, code: v.code.trim(), name: v.name.trim(), eventTypes: v.eventTypes.map((e) => e.trim()).filter(Boolean) })
                .catch((e: unknown) => Promise.reject(repoint(e, (p) => p.replace(/^\/body\/(fields|eventTypes)\/\d+$/, '/body/$1')))),
            t('exchange.topic.created'),
            onCreated,
          )
        }
      >
        <Form.Item name="resourceId" label={t('exchange.form.resource')} rules={[{ required: true, message: t('exchange.required') }]}>
          <Select
            showSearch={{ filterOption: false, onSearch: setQuery }}
            loading={resources.loading}
            placeholder={t('exchange.form.resourcePlaceholder')}
            options={(resources.data?.items ?? []).map((r) => ({ value: r.id, label: `${r.name}（${r.code}）`, 'data-testid': 'resource-option' }))}
            onChange={(id: string) => {
              setResource(resources.data?.items.find((r) => r.id === id) ?? null);
              form.setFieldsValue({ fields: [], keyField: undefined });
            }}
            data-testid="topic-form-resource"
          />
        </Form.Item>
        <Form.Item name="code" label={t('exchange.topic.code')} extra={t('exchange.topic.codeHelp')} rules={[{ required: true, message: t('exchange.required') }, { pattern: /^[a-z][a-z0-9._-]{1,62}$/, message: t('exchange.topic.codeInvalid') }]}>
          <Input maxLength={63} placeholder="enterprise.changed" data-testid="topic-form-code" />
        </Form.Item>
        <Form.Item name="name" label={t('exchange.topic.name')} rules={[{ required: true, whitespace: true, message: t('exchange.required') }]}>
          <Input maxLength={200} data-testid="topic-form-name" />
        </Form.Item>
        <Form.Item name="fields" label={t('exchange.topic.fields')} rules={[{ required: true, message: t('exchange.required') }]}>
          <Checkbox.Group options={shared.map((f) => ({ value: f.englishName, label: `${f.name}（${f.englishName}）` }))} data-testid="topic-form-fields" />
        </Form.Item>
        <Form.Item name="keyField" label={t('exchange.topic.keyField')} extra={t('exchange.topic.keyFieldHelp')} rules={[{ required: true, message: t('exchange.required') }]}>
          <Select options={chosen.map((f) => ({ value: f, label: f }))} data-testid="topic-form-key-field" />
        </Form.Item>
        <Form.Item name="eventTypes" label={t('exchange.topic.eventTypes')} extra={t('exchange.topic.eventTypesHelp')} rules={[{ required: true, message: t('exchange.required') }]}>
          <Select mode="tags" open={false} suffixIcon={null} tokenSeparators={[',', ' ']} placeholder="licence.issued" data-testid="topic-form-event-types" />
        </Form.Item>
        <Form.Item name="retentionHours" label={t('exchange.topic.retention')}>
          <InputNumber min={1} max={8760} style={{ width: 160 }} data-testid="topic-form-retention" />
        </Form.Item>
      </Form>
    </FormModal>
  );
}
