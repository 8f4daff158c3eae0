import { DatePicker, Form, Input, Radio, Select } from 'antd';
import type { Dayjs } from 'dayjs';
import { useAuth } from '../../auth/AuthContext';
import { FormModal } from '../../components/FormModal';
import { useFormSubmit } from '../../hooks/useFormSubmit';
import { useRequest } from '../../hooks/useRequest';
import { useI18n } from '../../i18n';
import { exchangeApi, type Subscription, type Topic } from './api';

interface Values {
  grantId: string;
  nodeId: string;
  connection: string;
  table: string;
  mode: 'upsert' | 'append';
  from: 'earliest' | 'latest' | 'time';
  at?: Dayjs;
}

/**
 * 订阅: a consumer subscribes one of its nodes under its grant for the topic's resource; it starts
 * from the whole retention window (replay), from new events only, or from a point in time.
 */
export function SubscribeModal({ topic, open, onClose, onDone }: { topic: Topic; open: boolean; onClose: () => void; onDone: (s: Subscription) => void }) {
  const { t } = useI18n();
  const { me } = useAuth();
  const [form] = Form.useForm<Values>();
  const { busy, submit } = useFormSubmit(form);
  const grants = useRequest(() => exchangeApi.grants(topic.resourceId, 'consumer'), [topic.resourceId], open);
  const grantId = Form.useWatch('grantId', form);
  const dept = grants.data?.items.find((g) => g.id === grantId)?.consumerDepartmentId ?? me?.departmentId;
  const nodes = useRequest(() => exchangeApi.nodes({ departmentId: dept, status: 'active', page: 1, pageSize: 100 }), [dept], open && !!dept);
  const from = Form.useWatch('from', form);

  return (
    <FormModal open={open} title={t('exchange.topic.subscribeTitle', { name: topic.name })} form={form} busy={busy} submitTestId="subscribe-submit" okText={t('exchange.topic.subscribe')} onCancel={onClose} afterClose={() => form.resetFields()} width={600}>
      <Form<Values>
        form={form}
        layout="vertical"
        initialValues={{ mode: 'upsert', from: 'earliest' }}
        onFinish={(v) =>
          submit(
            () =>
              exchangeApi.subscribe(topic.id, {
                grantId: v.grantId,
                nodeId: v.nodeId,
                connection: v.connection.trim(),
                table: v.table.trim(),
                mode: v.mode,
                from: v.from === 'time' ? v.at!.toISOString() : v.from,
              }),
            t('exchange.topic.subscribed'),
            onDone,
          )
        }
      >
        <Form.Item name="grantId" label={t('exchange.form.grant')} rules={[{ required: true, message: t('exchange.required') }]} extra={grants.data && grants.data.items.length === 0 ? t('exchange.topic.noGrant') : undefined}>
          <Select
            loading={grants.loading}
            options={(grants.data?.items ?? []).map((g) => ({ value: g.id, label: `${g.consumerDepartmentName} · ${g.purpose}（${g.fields.join('、')}）`, 'data-testid': 'grant-option' }))}
            data-testid="subscribe-grant"
          />
        </Form.Item>
        <Form.Item name="nodeId" label={t('exchange.topic.node')} rules={[{ required: true, message: t('exchange.required') }]}>
          <Select loading={nodes.loading} options={(nodes.data?.items ?? []).map((n) => ({ value: n.id, label: `${n.name}（${n.code}）`, 'data-testid': `node-option-${n.code}` }))} data-testid="subscribe-node" />
        </Form.Item>
        <Form.Item name="connection" label={t('exchange.form.connection')} rules={[{ required: true, whitespace: true, message: t('exchange.required') }]}>
          <Input maxLength={32} placeholder="warehouse" data-testid="subscribe-connection" />
        </Form.Item>
        <Form.Item name="table" label={t('exchange.form.targetTable')} rules={[{ required: true, whitespace: true, message: t('exchange.required') }]}>
          <Input maxLength={127} placeholder="public.enterprise_events" data-testid="subscribe-table" />
        </Form.Item>
        <Form.Item name="mode" label={t('exchange.form.mode')} extra={t('exchange.topic.modeHelp')}>
          <Radio.Group
            options={[
              { value: 'upsert', label: t('exchange.form.mode.upsert') },
              { value: 'append', label: t('exchange.form.mode.append') },
            ]}
            data-testid="subscribe-mode"
          />
        </Form.Item>
        <Form.Item name="from" label={t('exchange.topic.from')}>
          <Radio.Group
            options={[
              { value: 'earliest', label: t('exchange.topic.from.earliest') },
              { value: 'latest', label: t('exchange.topic.from.latest') },
              { value: 'time', label: t('exchange.topic.from.time') },
            ]}
            data-testid="subscribe-from"
          />
        </Form.Item>
        {from === 'time' && (
          <Form.Item name="at" label={t('exchange.topic.from.time')} rules={[{ required: true, message: t('exchange.required') }]}>
            <DatePicker showTime data-testid="subscribe-at" />
          </Form.Item>
        )}
      </Form>
    </FormModal>
  );
}
