import { Alert, Button, Card, Checkbox, DatePicker, Descriptions, Form, Input, Radio, Result, Space, Spin, Table, Tag, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useMemo, useState } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import { useAuth } from '../../auth/AuthContext';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageTitle } from '../../components/PageTitle';
import { useFormSubmit } from '../../hooks/useFormSubmit';
import { useRequest } from '../../hooks/useRequest';
import { useI18n } from '../../i18n';
import { fieldShareType, sharingApi, type Resource, type ResourceField } from './api';
import { StatusTag } from './components';

type Mode = 'grant' | 'request' | 'escalation';

interface ApplyValues {
  scope: 'whole' | 'fields';
  fields?: string[];
  purpose: string;
  dutyBasis?: string;
  scopeOfUse?: string;
  period?: [Dayjs, Dayjs];
  reasons?: string;
}

/** What the consumer can do with a resource: obtain it, apply for it, or object to its not being shared. */
function modeOf(r: Resource): Mode {
  const types = r.version.content.fields.map((f) => fieldShareType(r, f));
  if (r.shareType === 'none') return 'escalation';
  if (r.shareType === 'conditional' || types.every((x) => x !== 'unconditional')) return 'request';
  return 'grant';
}

/** 申请共享: a published resource, and the form its share type calls for (R-SHR-1, R-SHR-2). */
export default function ApplyPage() {
  const { resourceId = '' } = useParams();
  const { t } = useI18n();
  const { me } = useAuth();
  const navigate = useNavigate();
  const res = useRequest(() => sharingApi.resource(resourceId), [resourceId]);
  const r = res.data;
  const [form] = Form.useForm<ApplyValues>();
  const { busy, submit } = useFormSubmit(form);
  const [override, setOverride] = useState<Mode | null>(null);
  const mode = override ?? (r ? modeOf(r) : 'request');
  const scope = Form.useWatch('scope', form);

  const shareable = useMemo(() => (r ? r.version.content.fields.filter((f) => fieldShareType(r, f) !== 'none') : []), [r]);
  const unconditional = useMemo(() => (r ? r.version.content.fields.filter((f) => fieldShareType(r, f) === 'unconditional') : []), [r]);
  const hasConditional = r ? shareable.length > unconditional.length : false;

  if (res.loading && !r) return <Spin style={{ display: 'block', margin: '80px auto' }} />;
  if (res.error) return <ErrorAlert error={res.error} onRetry={res.reload} />;
  if (!r) return null;

  const own = me?.departmentId === r.providerDepartmentId;
  const published = r.status === 'published';

  const onFinish = (v: ApplyValues) => {
    if (mode === 'escalation') {
      return submit(() => sharingApi.createEscalation({ resourceId, reasons: v.reasons ?? '' }), t('sharing.apply.escalated'), () => navigate('/sharing/escalations'));
    }
    if (mode === 'grant') {
      const fields = hasConditional ? unconditional.map((f) => f.englishName) : undefined;
      return submit(() => sharingApi.obtain({ resourceId, purpose: v.purpose, fields }), t('sharing.apply.granted'), () => navigate('/sharing/grants'));
    }
    const [from, to] = v.period!;
    return submit(
      () =>
        sharingApi.apply({
          resourceId,
          fields: v.scope === 'fields' ? v.fields : undefined,
          purpose: v.purpose,
          dutyBasis: v.dutyBasis ?? '',
          scopeOfUse: v.scopeOfUse ?? '',
          validFrom: from.format('YYYY-MM-DD'),
          validTo: to.format('YYYY-MM-DD'),
        }),
      t('sharing.apply.submitted'),
      (created) => navigate(`/sharing/requests/${created.id}`),
    );
  };

  const fieldColumns = [
    { title: t('sharing.field.name'), dataIndex: 'name', width: 180 },
    { title: t('sharing.field.englishName'), dataIndex: 'englishName', width: 180, render: (v: string) => <Typography.Text code>{v}</Typography.Text> },
    { title: t('sharing.field.dataType'), dataIndex: 'dataType', width: 100 },
    { title: t('sharing.shareType'), key: 'share', width: 140, render: (_: unknown, f: ResourceField) => <StatusTag kind="share" value={fieldShareType(r, f)} /> },
    { title: t('sharing.legalBasis'), key: 'basis', render: (_: unknown, f: ResourceField) => f.legalBasis ?? (fieldShareType(r, f) !== 'unconditional' ? r.version.content.share.legalBasis : '') ?? '' },
  ];

  return (
    <div data-testid="page-sharing-apply">
      <PageTitle title={t('sharing.apply.title')} />
      <Card style={{ marginBottom: 16 }}>
        <Descriptions column={2} size="small">
          <Descriptions.Item label={t('sharing.resource')}>
            <span data-testid="apply-resource-name">{r.name}</span>
          </Descriptions.Item>
          <Descriptions.Item label={t('sharing.resourceCode')}>{r.code}</Descriptions.Item>
          <Descriptions.Item label={t('sharing.provider')}>{r.providerDepartmentName}</Descriptions.Item>
          <Descriptions.Item label={t('sharing.shareType')}>
            <StatusTag kind="share" value={r.shareType} testId="apply-share-type" />
          </Descriptions.Item>
          {r.version.content.share.conditions && <Descriptions.Item label={t('sharing.conditions')}>{r.version.content.share.conditions}</Descriptions.Item>}
          {r.version.content.share.legalBasis && <Descriptions.Item label={t('sharing.legalBasis')}>{r.version.content.share.legalBasis}</Descriptions.Item>}
          <Descriptions.Item label={t('sharing.summary')} span={2}>
            {r.summary}
          </Descriptions.Item>
        </Descriptions>
        <Table<ResourceField> rowKey="englishName" size="small" pagination={false} columns={fieldColumns} dataSource={r.version.content.fields} data-testid="apply-fields-table" />
      </Card>
      {own || !published ? (
        <Result status="info" title={own ? t('sharing.apply.own') : t('sharing.apply.notPublished')} />
      ) : (
        <Card
          title={t(`sharing.apply.mode.${mode}`)}
          extra={
            mode === 'grant' && hasConditional ? (
              <Button type="link" onClick={() => setOverride('request')} data-testid="apply-switch-request">
                {t('sharing.apply.switchToRequest')}
              </Button>
            ) : null
          }
        >
          {mode === 'grant' && hasConditional && <Alert type="info" showIcon style={{ marginBottom: 16 }} title={t('sharing.apply.onlyUnconditional', { fields: unconditional.map((f) => f.name).join('、') })} />}
          {mode === 'escalation' && <Alert type="warning" showIcon style={{ marginBottom: 16 }} title={t('sharing.apply.notShared', { basis: r.version.content.share.legalBasis ?? '—' })} />}
          <Form<ApplyValues>
            form={form}
            layout="vertical"
            style={{ maxWidth: 720 }}
            initialValues={{ scope: 'whole', period: [dayjs(), dayjs().add(1, 'year')] }}
            onFinish={onFinish}
            data-testid="apply-form"
          >
            {mode === 'request' && (
              <>
                <Form.Item name="scope" label={t('sharing.apply.scope')}>
                  <Radio.Group data-testid="apply-scope-kind">
                    <Radio value="whole">{t('sharing.apply.whole')}</Radio>
                    <Radio value="fields">{t('sharing.apply.chosen')}</Radio>
                  </Radio.Group>
                </Form.Item>
                {scope === 'fields' && (
                  <Form.Item name="fields" label={t('sharing.fields')} rules={[{ required: true, message: t('sharing.apply.fieldsRequired') }]}>
                    <Checkbox.Group data-testid="apply-fields">
                      <Space orientation="vertical">
                        {shareable.map((f) => (
                          <Checkbox key={f.englishName} value={f.englishName} data-testid={`apply-field-${f.englishName}`}>
                            {f.name} <Typography.Text type="secondary">{f.englishName}</Typography.Text>{' '}
                            {fieldShareType(r, f) === 'conditional' && <Tag color="orange">{t('sharing.shareStatus.conditional')}</Tag>}
                          </Checkbox>
                        ))}
                      </Space>
                    </Checkbox.Group>
                  </Form.Item>
                )}
              </>
            )}
            {mode !== 'escalation' && (
              <Form.Item name="purpose" label={t('sharing.purpose')} extra={t('sharing.apply.purposeHelp')} rules={[{ required: true, whitespace: true, message: t('sharing.required') }]}>
                <Input.TextArea rows={2} maxLength={1000} data-testid="apply-purpose" />
              </Form.Item>
            )}
            {mode === 'request' && (
              <>
                <Form.Item name="dutyBasis" label={t('sharing.dutyBasis')} rules={[{ required: true, whitespace: true, message: t('sharing.required') }]}>
                  <Input.TextArea rows={2} maxLength={2000} data-testid="apply-legal-basis" />
                </Form.Item>
                <Form.Item name="scopeOfUse" label={t('sharing.scopeOfUse')} rules={[{ required: true, whitespace: true, message: t('sharing.required') }]}>
                  <Input.TextArea rows={2} maxLength={1000} data-testid="apply-scope" />
                </Form.Item>
                <Form.Item name="period" label={t('sharing.period')} rules={[{ required: true, message: t('sharing.required') }]}>
                  <DatePicker.RangePicker data-testid="apply-period" />
                </Form.Item>
              </>
            )}
            {mode === 'escalation' && (
              <Form.Item name="reasons" label={t('sharing.apply.escalationReasons')} rules={[{ required: true, whitespace: true, message: t('sharing.reasonsRequired') }]}>
                <Input.TextArea rows={4} maxLength={2000} showCount data-testid="apply-reasons" />
              </Form.Item>
            )}
            <Form.Item>
              <Button type="primary" htmlType="submit" loading={busy} data-testid="apply-submit">
                {t(`sharing.apply.submit.${mode}`)}
              </Button>
            </Form.Item>
          </Form>
        </Card>
      )}
    </div>
  );
}
