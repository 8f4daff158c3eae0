import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Col, Form, Input, Row, Select, Typography, type FormInstance } from 'antd';
import { useRequest } from '../../hooks/useRequest';
import { useI18n } from '../../i18n';
import { exchangeApi, type GrantOption } from './api';
import { ListError } from './components';
import type { TaskFormValues } from './taskForm';

/**
 * The targets of a task: each a grant (an active one for the chosen resource), a node of the
 * grant's consumer department, and where its agent writes (connection, table, mode, keys).
 */
export function TaskTargets({ form, grants, loading }: { form: FormInstance<TaskFormValues>; grants: GrantOption[]; loading: boolean }) {
  const { t } = useI18n();
  const resourceId = Form.useWatch('resourceId', form);
  return (
    <Card title={t('exchange.form.targets')} style={{ marginBottom: 16 }} data-testid="task-form-targets">
      {resourceId && !loading && grants.length === 0 && <Alert type="warning" showIcon style={{ marginBottom: 16 }} title={t('exchange.form.noGrants')} data-testid="task-form-no-grants" />}
      <ListError name="targetsCheck" testId="task-form-targets-error" />
      <Form.List name="targets">
        {(rows, { add, remove }) => (
          <>
            {rows.map((row) => (
              <TargetRowCard key={row.key} index={row.name} form={form} grants={grants} onRemove={rows.length > 1 ? () => remove(row.name) : undefined} />
            ))}
            <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ mode: 'upsert' })} block data-testid="task-target-add">
              {t('exchange.form.addTarget')}
            </Button>
          </>
        )}
      </Form.List>
    </Card>
  );
}

function grantLabel(g: GrantOption, wholeText: string) {
  return `${g.consumerDepartmentName} · ${g.purpose}（${g.wholeResource ? wholeText : g.fields.join('、')}）`;
}

function TargetRowCard({ index, form, grants, onRemove }: { index: number; form: FormInstance<TaskFormValues>; grants: GrantOption[]; onRemove?: () => void }) {
  const { t } = useI18n();
  const grantId = Form.useWatch(['targets', index, 'grantId'], form);
  const mode = Form.useWatch(['targets', index, 'mode'], form);
  const grant = grants.find((g) => g.id === grantId);
  const consumer = grant?.consumerDepartmentId;
  // By grant: the provider may pick the consumer's nodes although they are outside its own scope.
  const nodes = useRequest(() => exchangeApi.nodes({ grantId, page: 1, pageSize: 100 }), [grantId], !!consumer);
  const nodeOptions = (nodes.data?.items ?? []).filter((n) => n.status !== 'revoked').map((n) => ({ value: n.id, label: `${n.name}（${n.code}）`, 'data-testid': `node-option-${n.code}` }));

  return (
    <Card
      size="small"
      type="inner"
      style={{ marginBottom: 12 }}
      title={t('exchange.form.targetN', { n: index + 1 })}
      extra={onRemove && <Button type="text" danger size="small" icon={<DeleteOutlined />} onClick={onRemove} data-testid={`task-target-remove-${index}`} aria-label={t('common.delete')} />}
      data-testid={`task-target-${index}`}
    >
      <Row gutter={16}>
        <Col xs={24} lg={12}>
          <Form.Item name={[index, 'grantId']} label={t('exchange.form.grant')} rules={[{ required: true, message: t('exchange.required') }]}>
            <Select
              placeholder={t('exchange.form.grantPlaceholder')}
              options={grants.map((g) => ({ value: g.id, label: grantLabel(g, t('exchange.form.wholeResource')), 'data-testid': 'grant-option' }))}
              onChange={() => form.setFieldValue(['targets', index, 'nodeId'], undefined)}
              data-testid={`task-target-grant-${index}`}
            />
          </Form.Item>
        </Col>
        <Col xs={24} lg={12}>
          <Form.Item
            name={[index, 'nodeId']}
            label={t('exchange.form.targetNode')}
            rules={[{ required: true, message: t('exchange.required') }]}
            extra={consumer && !nodes.loading && nodeOptions.length === 0 ? <Typography.Text type="warning">{t('exchange.form.noNodes')}</Typography.Text> : undefined}
          >
            <Select placeholder={consumer ? t('exchange.form.targetNodePlaceholder') : t('exchange.form.pickGrantFirst')} disabled={!consumer} loading={nodes.loading} options={nodeOptions} data-testid={`task-target-node-${index}`} />
          </Form.Item>
        </Col>
        <Col xs={24} md={8}>
          <Form.Item name={[index, 'connection']} label={t('exchange.form.connection')} rules={[{ required: true, whitespace: true, message: t('exchange.required') }]}>
            <Input placeholder="warehouse" maxLength={32} data-testid={`task-target-connection-${index}`} />
          </Form.Item>
        </Col>
        <Col xs={24} md={8}>
          <Form.Item name={[index, 'table']} label={t('exchange.form.targetTable')} rules={[{ required: true, whitespace: true, message: t('exchange.required') }]}>
            <Input placeholder="public.enterprise_copy" maxLength={127} data-testid={`task-target-table-${index}`} />
          </Form.Item>
        </Col>
        <Col xs={24} md={8}>
          <Form.Item name={[index, 'mode']} label={t('exchange.form.mode')}>
            <Select
              options={[
                { value: 'upsert', label: t('exchange.form.mode.upsert') },
                { value: 'append', label: t('exchange.form.mode.append') },
              ]}
              data-testid={`task-target-mode-${index}`}
            />
          </Form.Item>
        </Col>
        {mode !== 'append' && (
          <Col xs={24} lg={12}>
            <Form.Item name={[index, 'keyColumns']} label={t('exchange.form.targetKeys')} extra={t('exchange.form.targetKeysHelp')}>
              <Select mode="tags" open={false} suffixIcon={null} tokenSeparators={[',', ' ']} placeholder="uscc" data-testid={`task-target-keys-${index}`} />
            </Form.Item>
          </Col>
        )}
        <Col xs={24} lg={12}>
          <Form.Item name={[index, 'columnMap']} label={t('exchange.form.columnMap')} extra={t('exchange.form.columnMapHelp')}>
            <Input.TextArea autoSize={{ minRows: 1, maxRows: 6 }} placeholder={'name=ent_name\nlegal_rep=fr_name'} data-testid={`task-target-column-map-${index}`} />
          </Form.Item>
        </Col>
      </Row>
    </Card>
  );
}
