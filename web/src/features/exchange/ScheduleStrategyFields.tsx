import { Card, Col, Form, Input, InputNumber, Radio, Row, Space, Switch, type FormInstance } from 'antd';
import { useI18n, type MessageKey } from '../../i18n';
import type { TaskFormValues } from './taskForm';

/** The schedule and strategy cards of a task form: on the create page and in the edit dialog. */
export function ScheduleStrategyFields({ form, compact = false }: { form: FormInstance; compact?: boolean }) {
  const { t } = useI18n();
  const scheduleKind = Form.useWatch<TaskFormValues['schedule']['kind']>(['schedule', 'kind'], form) ?? 'continuous';
  const windowOn = Form.useWatch<boolean | undefined>(['strategy', 'windowOn'], form);
  const half = compact ? 24 : 12;

  return (
    <Row gutter={16}>
      <Col xs={24} lg={half}>
        <Card title={t('exchange.form.schedule')} style={{ marginBottom: 16 }}>
          <Form.Item name={['schedule', 'kind']} label={t('exchange.form.scheduleKind')}>
            <Radio.Group
              optionType="button"
              options={(['continuous', 'interval', 'cron'] as const).map((k) => ({ value: k, label: t(`exchange.schedule.${k}` as MessageKey) }))}
              data-testid="task-form-schedule-kind"
            />
          </Form.Item>
          {scheduleKind === 'continuous' && (
            <Form.Item name={['schedule', 'pollSeconds']} label={t('exchange.form.pollSeconds')} rules={[{ required: true, message: t('exchange.required') }]}>
              <InputNumber min={1} max={3600} style={{ width: 160 }} data-testid="task-form-poll-seconds" />
            </Form.Item>
          )}
          {scheduleKind === 'interval' && (
            <Form.Item name={['schedule', 'seconds']} label={t('exchange.form.intervalSeconds')} rules={[{ required: true, message: t('exchange.required') }]}>
              <InputNumber min={10} max={7 * 86400} style={{ width: 160 }} data-testid="task-form-interval-seconds" />
            </Form.Item>
          )}
          {scheduleKind === 'cron' && (
            <Form.Item name={['schedule', 'expression']} label={t('exchange.form.cron')} extra={t('exchange.form.cronHelp')} rules={[{ required: true, whitespace: true, message: t('exchange.required') }]}>
              <Input maxLength={100} placeholder="0 2 * * *" style={{ fontFamily: 'monospace' }} data-testid="task-form-cron" />
            </Form.Item>
          )}
        </Card>
      </Col>
      <Col xs={24} lg={half}>
        <Card title={t('exchange.form.strategy')} style={{ marginBottom: 16 }}>
          <Space wrap size={16}>
            <Form.Item name={['strategy', 'batchSize']} label={t('exchange.form.batchSize')}>
              <InputNumber min={1} max={200000} style={{ width: 140 }} data-testid="task-form-batch-size" />
            </Form.Item>
            <Form.Item name={['strategy', 'priority']} label={t('exchange.form.priority')}>
              <InputNumber min={1} max={9} style={{ width: 100 }} data-testid="task-form-priority" />
            </Form.Item>
            <Form.Item name={['strategy', 'maxInFlight']} label={t('exchange.form.maxInFlight')}>
              <InputNumber min={1} max={64} style={{ width: 100 }} data-testid="task-form-max-in-flight" />
            </Form.Item>
            <Form.Item name={['strategy', 'settleSeconds']} label={t('exchange.form.settleSeconds')} tooltip={t('exchange.form.settleHelp')}>
              <InputNumber min={0} max={600} style={{ width: 100 }} data-testid="task-form-settle-seconds" />
            </Form.Item>
          </Space>
          <Space align="start" wrap size={16}>
            <Form.Item name={['strategy', 'windowOn']} label={t('exchange.form.window')} valuePropName="checked" tooltip={t('exchange.form.windowHelp')}>
              <Switch data-testid="task-form-window" />
            </Form.Item>
            {windowOn && (
              <>
                <Form.Item name={['strategy', 'windowFrom']} label={t('exchange.form.windowFrom')}>
                  <Input maxLength={5} placeholder="22:00" style={{ width: 90 }} data-testid="task-form-window-from" />
                </Form.Item>
                <Form.Item name={['strategy', 'windowTo']} label={t('exchange.form.windowTo')}>
                  <Input maxLength={5} placeholder="06:00" style={{ width: 90 }} data-testid="task-form-window-to" />
                </Form.Item>
              </>
            )}
          </Space>
        </Card>
      </Col>
    </Row>
  );
}
