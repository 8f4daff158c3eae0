import { Alert, Form, Input, Space, Tag, Typography } from 'antd';
import type { ReactNode } from 'react';
import { FormModal } from '../../components/FormModal';
import { useFormSubmit } from '../../hooks/useFormSubmit';
import { useI18n, type MessageKey } from '../../i18n';
import type { DeliveryStatus, Health, TaskStatus } from './api';

export const HEALTH_COLOR: Record<Health, string> = { online: '#52c41a', silent: '#fa8c16', never: '#8c8c8c', pending: '#1677ff', revoked: '#f5222d' };
const HEALTH_TAG: Record<Health, string> = { online: 'success', silent: 'warning', never: 'default', pending: 'processing', revoked: 'error' };
const TASK_TAG: Record<TaskStatus, string> = { active: 'success', paused: 'warning', stopped: 'error' };
const TARGET_TAG: Record<string, string> = { active: 'success', stopped: 'error' };
const DELIVERY_TAG: Record<DeliveryStatus, string> = { queued: 'default', delivering: 'processing', applied: 'success', failed: 'error', expired: 'warning' };

type Kind = 'health' | 'taskStatus' | 'targetStatus' | 'deliveryStatus';
const COLORS: Record<Kind, Record<string, string>> = { health: HEALTH_TAG, taskStatus: TASK_TAG, targetStatus: TARGET_TAG, deliveryStatus: DELIVERY_TAG };

/** A status as a coloured tag, its label from `exchange.<kind>.<value>`; data-status carries the raw value for the tests. */
export function StatusTag({ kind, value, testId, suffix }: { kind: Kind; value: string; testId?: string; suffix?: ReactNode }) {
  const { t } = useI18n();
  return (
    <Tag color={COLORS[kind][value]} data-testid={testId} data-status={value}>
      {t(`exchange.${kind}.${value}` as MessageKey)}
      {suffix}
    </Tag>
  );
}

/** Seconds as 12 秒 / 3 分 20 秒 / 2 小时 5 分. */
export function useDuration() {
  const { t } = useI18n();
  return (s: number | null | undefined) => {
    if (s === null || s === undefined) return '—';
    const sec = Math.round(s);
    if (sec < 60) return t('exchange.dur.s', { s: sec });
    if (sec < 3600) return t('exchange.dur.ms', { m: Math.floor(sec / 60), s: sec % 60 });
    return t('exchange.dur.hm', { h: Math.floor(sec / 3600), m: Math.floor((sec % 3600) / 60) });
  };
}

export function fmtBytes(b: number | null | undefined): string {
  if (b === null || b === undefined) return '—';
  if (b < 1024) return `${b} B`;
  if (b < 1024 ** 2) return `${(b / 1024).toFixed(1)} KB`;
  if (b < 1024 ** 3) return `${(b / 1024 ** 2).toFixed(1)} MB`;
  return `${(b / 1024 ** 3).toFixed(2)} GB`;
}

/** Name above, code below in grey: how a node, a task or a resource shows in a cell. */
export function NameCode({ name, code }: { name: ReactNode; code: ReactNode }) {
  return (
    <Space orientation="vertical" size={0}>
      <Typography.Text strong>{name}</Typography.Text>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {code}
      </Typography.Text>
    </Space>
  );
}

interface ReasonsModalProps {
  open: boolean;
  title: ReactNode;
  /** What the step does, above the reasons. */
  help?: ReactNode;
  required?: boolean;
  okText?: string;
  danger?: boolean;
  run: (reasons: string | undefined) => Promise<unknown>;
  onClose: () => void;
  onDone: () => void;
  submitTestId: string;
  reasonsTestId: string;
}

/** Asks for the reasons of a step (revoke, pause, stop), then runs it; field errors land on the reasons. */
export function ReasonsModal({ open, title, help, required, okText, run, onClose, onDone, submitTestId, reasonsTestId }: ReasonsModalProps) {
  const { t } = useI18n();
  const [form] = Form.useForm<{ reasons?: string }>();
  const { busy, submit } = useFormSubmit(form);
  return (
    <FormModal open={open} title={title} form={form} busy={busy} submitTestId={submitTestId} okText={okText ?? t('common.confirm')} onCancel={onClose} afterClose={() => form.resetFields()}>
      {help && <Typography.Paragraph type="secondary">{help}</Typography.Paragraph>}
      <Form form={form} layout="vertical" onFinish={(v) => submit(() => run(v.reasons?.trim() || undefined), t('common.operationDone'), onDone)}>
        <Form.Item name="reasons" label={t('exchange.reasons')} rules={required ? [{ required: true, whitespace: true, message: t('exchange.reasonsRequired') }] : []}>
          <Input.TextArea rows={3} maxLength={2000} showCount data-testid={reasonsTestId} />
        </Form.Item>
      </Form>
    </FormModal>
  );
}

/**
 * The server's error about a whole list (`/body/fields`: choose at least one), which has no input
 * of its own: a hidden field carries it, and it shows as an alert above the list.
 */
export function ListError({ name, testId }: { name: string; testId: string }) {
  return (
    <>
      <Form.Item name={name} hidden>
        <input />
      </Form.Item>
      <Form.Item shouldUpdate noStyle>
        {(f) => {
          const errors = f.getFieldError(name);
          return errors.length ? <Alert type="error" showIcon style={{ marginBottom: 12 }} title={errors.join('；')} data-testid={testId} /> : null;
        }}
      </Form.Item>
    </>
  );
}
