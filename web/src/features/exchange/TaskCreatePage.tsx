import { Alert, Button, Card, Checkbox, Col, Form, Input, InputNumber, Radio, Row, Select, Space, Table, Tag, Typography } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { useAuth } from '../../auth/AuthContext';
import { PageTitle } from '../../components/PageTitle';
import { useFormSubmit } from '../../hooks/useFormSubmit';
import { useRequest } from '../../hooks/useRequest';
import { useI18n, type MessageKey } from '../../i18n';
import { exchangeApi, MASK_PRESETS, type CatalogField, type ResourceOption } from './api';
import { ListError } from './components';
import { INITIAL_VALUES, remapProblem, toBody, type TaskFormValues } from './taskForm';
import { ScheduleStrategyFields } from './ScheduleStrategyFields';
import { TaskTargets } from './TaskTargets';

/**
 * 新建交换任务. The fields come from the chosen resource's published catalog version, the targets
 * from its active grants; the server checks everything again against the catalog and the grants,
 * and its field errors land on the inputs they concern.
 */
export default function TaskCreatePage() {
  const { t } = useI18n();
  const { me, scopeOf } = useAuth();
  const navigate = useNavigate();
  const [form] = Form.useForm<TaskFormValues>();
  const { busy, submit } = useFormSubmit(form);
  const [resourceQuery, setResourceQuery] = useState('');
  const [resource, setResource] = useState<ResourceOption | null>(null);

  // A department-scoped officer runs tasks of its own department's resources only.
  const ownOnly = scopeOf('exchange.task.manage') === 'department';
  const resources = useRequest(
    () => exchangeApi.publishedResources({ q: resourceQuery.trim() || undefined, providerDepartmentId: ownOnly ? me?.departmentId : undefined }),
    [resourceQuery, ownOnly, me?.departmentId],
  );
  const version = useRequest(() => exchangeApi.publishedVersion(resource!.id, resource!.publishedVersion!), [resource?.id], !!resource?.publishedVersion);
  const catalogFields: CatalogField[] = useMemo(() => (resource ? (version.data?.version.content.fields ?? []) : []), [resource, version.data]);
  const shareModes = version.data?.version.content.share.modes ?? [];
  const entryShareType = version.data?.version.content.share.type;
  const grants = useRequest(() => exchangeApi.grants(resource!.id), [resource?.id], !!resource);
  const sourceNodes = useRequest(() => exchangeApi.nodes({ departmentId: resource!.providerDepartmentId, page: 1, pageSize: 100 }), [resource?.providerDepartmentId], !!resource);

  const from = Form.useWatch(['source', 'from'], form) ?? 'table';
  const sync = Form.useWatch(['source', 'sync'], form) ?? 'incremental';

  // Every shared field travels unless unticked; a field not shared (不予共享) cannot.
  useEffect(() => {
    form.setFieldValue(
      'fields',
      catalogFields.map((f) => ({ include: (f.shareType ?? entryShareType) !== 'none', column: '', mask: 'none' })),
    );
  }, [catalogFields, entryShareType, form]);

  const resourceOptions = (resources.data?.items ?? []).map((r) => ({
    value: r.id,
    label: `${r.name}（${r.code}）`,
    title: `${r.name} · ${r.providerDepartmentName}`,
    'data-testid': `resource-option`,
  }));

  const onFinish = (v: TaskFormValues) => {
    const { body, fieldRows } = toBody(v, catalogFields);
    submit(
      async () => {
        try {
          return await exchangeApi.createTask(body);
        } catch (e) {
          throw remapProblem(e, fieldRows, v.source.from);
        }
      },
      t('exchange.form.created'),
      (task) => navigate(`/exchange/tasks/${task.id}`),
    );
  };

  const fieldColumns = [
    {
      title: t('exchange.form.fieldInclude'),
      key: 'include',
      width: 80,
      render: (_v: unknown, f: CatalogField, i: number) => (
        <Form.Item name={['fields', i, 'include']} valuePropName="checked" style={{ marginBottom: 0 }}>
          <Checkbox disabled={(f.shareType ?? entryShareType) === 'none'} data-testid={`task-field-include-${f.englishName}`} />
        </Form.Item>
      ),
    },
    { title: t('exchange.form.fieldName'), dataIndex: 'name', width: 180 },
    { title: t('exchange.form.fieldEnglish'), dataIndex: 'englishName', width: 150, render: (v: string) => <Typography.Text code>{v}</Typography.Text> },
    {
      title: t('exchange.form.fieldShare'),
      key: 'share',
      width: 120,
      render: (_v: unknown, f: CatalogField) => {
        const st = f.shareType ?? entryShareType ?? 'unconditional';
        return <Tag color={st === 'unconditional' ? 'green' : st === 'conditional' ? 'orange' : 'red'}>{t(`exchange.share.${st}` as MessageKey)}</Tag>;
      },
    },
    {
      title: t('exchange.form.fieldColumn'),
      key: 'column',
      width: 200,
      render: (_v: unknown, f: CatalogField, i: number) => (
        <Form.Item name={['fields', i, 'column']} style={{ marginBottom: 0 }}>
          <Input size="small" placeholder={f.englishName} maxLength={63} data-testid={`task-field-column-${f.englishName}`} />
        </Form.Item>
      ),
    },
    {
      title: t('exchange.form.fieldMask'),
      key: 'mask',
      width: 300,
      render: (_v: unknown, f: CatalogField, i: number) => (
        <Space size={4} align="start" wrap>
          <Form.Item name={['fields', i, 'mask']} style={{ marginBottom: 0 }}>
            <Select
              size="small"
              style={{ width: 150 }}
              options={[
                { value: 'none', label: t('exchange.mask.none') },
                ...MASK_PRESETS.map((m) => ({ value: m, label: t(`exchange.mask.${m}` as MessageKey) })),
                { value: 'custom', label: t('exchange.mask.custom') },
              ]}
              data-testid={`task-field-mask-${f.englishName}`}
            />
          </Form.Item>
          <Form.Item noStyle dependencies={[['fields', i, 'mask']]}>
            {() =>
              form.getFieldValue(['fields', i, 'mask']) === 'custom' && (
                <Space size={4}>
                  <Form.Item name={['fields', i, 'keepStart']} style={{ marginBottom: 0 }} tooltip={t('exchange.mask.keepStart')}>
                    <InputNumber size="small" min={0} max={64} style={{ width: 64 }} placeholder={t('exchange.mask.keepStartShort')} data-testid={`task-field-keep-start-${f.englishName}`} />
                  </Form.Item>
                  <Form.Item name={['fields', i, 'keepEnd']} style={{ marginBottom: 0 }}>
                    <InputNumber size="small" min={0} max={64} style={{ width: 64 }} placeholder={t('exchange.mask.keepEndShort')} data-testid={`task-field-keep-end-${f.englishName}`} />
                  </Form.Item>
                </Space>
              )
            }
          </Form.Item>
        </Space>
      ),
    },
  ];

  return (
    <div data-testid="page-exchange-task-create">
      <PageTitle title={t('exchange.form.title')} extra={<Link to="/exchange/tasks">{t('common.back')}</Link>} />
      <Form<TaskFormValues> form={form} layout="vertical" initialValues={INITIAL_VALUES} onFinish={onFinish} scrollToFirstError data-testid="task-form">
        <Card title={t('exchange.form.basics')} style={{ marginBottom: 16 }}>
          <Row gutter={16}>
            <Col xs={24} lg={12}>
              <Form.Item name="resourceId" label={t('exchange.form.resource')} extra={t('exchange.form.resourceHelp')} rules={[{ required: true, message: t('exchange.required') }]}>
                <Select
                  showSearch={{ filterOption: false, onSearch: setResourceQuery }}
                  loading={resources.loading}
                  placeholder={t('exchange.form.resourcePlaceholder')}
                  options={resourceOptions}
                  onChange={(id: string) => {
                    const r = resources.data?.items.find((x) => x.id === id) ?? null;
                    setResource(r);
                    form.setFieldsValue({ sourceNodeId: undefined, targets: [{ mode: 'upsert' }] });
                    if (r && !form.getFieldValue('name')) form.setFieldValue('name', t('exchange.form.defaultName', { name: r.name }));
                  }}
                  data-testid="task-form-resource"
                />
              </Form.Item>
            </Col>
            <Col xs={24} lg={12}>
              <Form.Item name="name" label={t('exchange.task.name')} rules={[{ required: true, whitespace: true, message: t('exchange.required') }]}>
                <Input maxLength={200} data-testid="task-form-name" />
              </Form.Item>
            </Col>
          </Row>
          {resource && version.data && !shareModes.includes('exchange') && <Alert type="warning" showIcon title={t('exchange.form.noExchangeMode')} data-testid="task-form-no-exchange" />}
        </Card>

        <Card title={t('exchange.form.fields')} style={{ marginBottom: 16 }}>
          <ListError name="fieldsCheck" testId="task-form-fields-error" />
          <Table<CatalogField>
            rowKey="englishName"
            size="small"
            pagination={false}
            loading={version.loading}
            dataSource={catalogFields}
            columns={fieldColumns}
            locale={{ emptyText: t('exchange.form.pickResourceFirst') }}
            onRow={(f) => ({ 'data-testid': `task-field-${f.englishName}` }) as React.HTMLAttributes<HTMLElement>}
            data-testid="task-form-fields"
          />
        </Card>

        <Card title={t('exchange.form.source')} style={{ marginBottom: 16 }}>
          <Row gutter={16}>
            <Col xs={24} md={12}>
              <Form.Item name="sourceNodeId" label={t('exchange.form.sourceNode')} extra={t('exchange.form.sourceNodeHelp')} rules={[{ required: true, message: t('exchange.required') }]}>
                <Select
                  disabled={!resource}
                  loading={sourceNodes.loading}
                  placeholder={resource ? undefined : t('exchange.form.pickResourceFirst')}
                  options={(sourceNodes.data?.items ?? []).filter((n) => n.status !== 'revoked').map((n) => ({ value: n.id, label: `${n.name}（${n.code}）`, 'data-testid': `node-option-${n.code}` }))}
                  data-testid="task-form-source-node"
                />
              </Form.Item>
            </Col>
            <Col xs={24} md={12}>
              <Form.Item name={['source', 'connection']} label={t('exchange.form.connection')} extra={t('exchange.form.connectionHelp')} rules={[{ required: true, whitespace: true, message: t('exchange.required') }]}>
                <Input maxLength={32} placeholder="main" data-testid="task-form-connection" />
              </Form.Item>
            </Col>
            <Col span={24}>
              <Form.Item name={['source', 'from']} label={t('exchange.form.sourceFrom')}>
                <Radio.Group
                  options={[
                    { value: 'table', label: t('exchange.form.fromTable') },
                    { value: 'query', label: t('exchange.form.fromQuery') },
                  ]}
                  data-testid="task-form-source-from"
                />
              </Form.Item>
            </Col>
            <Col span={24}>
              {from === 'table' ? (
                <Form.Item name={['source', 'table']} label={t('exchange.form.table')} rules={[{ required: true, whitespace: true, message: t('exchange.required') }]}>
                  <Input maxLength={127} placeholder="public.enterprise" data-testid="task-form-table" />
                </Form.Item>
              ) : (
                <Form.Item name={['source', 'query']} label={t('exchange.form.query')} extra={t('exchange.form.queryHelp')} rules={[{ required: true, whitespace: true, message: t('exchange.required') }]}>
                  <Input.TextArea rows={4} maxLength={20000} style={{ fontFamily: 'monospace' }} data-testid="task-form-query" />
                </Form.Item>
              )}
            </Col>
            <Col xs={24} md={12}>
              <Form.Item name={['source', 'keyColumns']} label={t('exchange.form.keyColumns')} extra={t('exchange.form.columnsHelp')} rules={[{ required: true, message: t('exchange.required') }]}>
                <Select mode="tags" open={false} suffixIcon={null} tokenSeparators={[',', ' ']} placeholder="uscc" data-testid="task-form-key-columns" />
              </Form.Item>
            </Col>
            <Col xs={24} md={12}>
              <Form.Item name={['source', 'sync']} label={t('exchange.form.sync')}>
                <Radio.Group
                  options={[
                    { value: 'incremental', label: t('exchange.form.incremental') },
                    { value: 'full', label: t('exchange.form.full') },
                  ]}
                  data-testid="task-form-sync"
                />
              </Form.Item>
            </Col>
            {sync === 'incremental' && (
              <>
                <Col xs={24} md={12}>
                  <Form.Item name={['source', 'incColumn']} label={t('exchange.form.incColumn')} rules={[{ required: true, whitespace: true, message: t('exchange.required') }]}>
                    <Input maxLength={63} placeholder="updated_at" data-testid="task-form-inc-column" />
                  </Form.Item>
                </Col>
                <Col xs={24} md={12}>
                  <Form.Item name={['source', 'incKind']} label={t('exchange.form.incKind')}>
                    <Radio.Group
                      options={[
                        { value: 'timestamp', label: t('exchange.form.incKind.timestamp') },
                        { value: 'sequence', label: t('exchange.form.incKind.sequence') },
                      ]}
                      data-testid="task-form-inc-kind"
                    />
                  </Form.Item>
                </Col>
              </>
            )}
          </Row>
        </Card>

        <ScheduleStrategyFields form={form} />

        <TaskTargets form={form} grants={resource ? (grants.data?.items ?? []) : []} loading={grants.loading} />

        <Space>
          <Button type="primary" htmlType="submit" loading={busy} data-testid="task-form-submit">
            {t('exchange.form.submit')}
          </Button>
          <Button onClick={() => navigate('/exchange/tasks')}>{t('common.cancel')}</Button>
        </Space>
      </Form>
    </div>
  );
}
