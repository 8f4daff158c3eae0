import { Button, Card, Descriptions, Form, Input, Space, Tag, Typography } from 'antd';
import { useNavigate, useParams } from 'react-router-dom';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useRequest } from '../../hooks/useRequest';
import type { ReactNode } from 'react';
import { FormModal } from '../../components/FormModal';
import { useFormSubmit } from '../../hooks/useFormSubmit';
import { useAuth } from '../../auth/AuthContext';
import { useI18n, type MessageKey } from '../../i18n';
import type { DisputeStatus, DutyStatus, EscalationStatus, GrantState, Parties, RequestStatus, Role, ShareType, SharingRequest } from './api';

const REQUEST_COLOR: Record<RequestStatus, string> = {
  pending: 'processing',
  approved: 'success',
  refused: 'error',
  escalated: 'warning',
  arbitration_approved: 'success',
  arbitration_refused: 'error',
};
const GRANT_COLOR: Record<GrantState, string> = { active: 'success', revoked: 'error', expired: 'default', not_yet_valid: 'processing' };
const ESCALATION_COLOR: Record<EscalationStatus, string> = { open: 'warning', upheld: 'default', share_ordered: 'success' };
const DISPUTE_COLOR: Record<DisputeStatus, string> = { open: 'processing', corrected: 'success', rejected: 'default' };
const DUTY_COLOR: Record<DutyStatus, string> = { fulfilled: 'success', pending: 'processing', overdue: 'error', closed: 'default' };
const SHARE_COLOR: Record<ShareType, string> = { unconditional: 'green', conditional: 'orange', none: 'red' };

type Kind = 'request' | 'grant' | 'escalation' | 'dispute' | 'duty' | 'share';
const COLORS: Record<Kind, Record<string, string>> = {
  request: REQUEST_COLOR,
  grant: GRANT_COLOR,
  escalation: ESCALATION_COLOR,
  dispute: DISPUTE_COLOR,
  duty: DUTY_COLOR,
  share: SHARE_COLOR,
};

/** A status as a coloured tag, its label from `sharing.<kind>Status.<value>`. */
export function StatusTag({ kind, value, testId }: { kind: Kind; value: string; testId?: string }) {
  const { t } = useI18n();
  return (
    <Tag color={COLORS[kind][value]} data-testid={testId} data-status={value}>
      {t(`sharing.${kind}Status.${value}` as MessageKey)}
    </Tag>
  );
}

/** The answer deadline with the working days left; red once overdue. */
export function Deadline({ r, testId }: { r: Pick<SharingRequest, 'deadlineDate' | 'workingDaysLeft' | 'overdue' | 'status'>; testId?: string }) {
  const { t } = useI18n();
  const overdue = r.overdue && r.status === 'pending';
  return (
    <Space size={4} wrap data-testid={testId} data-overdue={String(overdue)}>
      <Typography.Text type={overdue ? 'danger' : undefined}>{r.deadlineDate}</Typography.Text>
      {r.workingDaysLeft !== null &&
        (overdue ? (
          <Tag color="error">{t('sharing.overdueDays', { n: -r.workingDaysLeft })}</Tag>
        ) : (
          <Tag color={r.workingDaysLeft <= 2 ? 'warning' : 'blue'}>{t('sharing.daysLeft', { n: r.workingDaysLeft })}</Tag>
        ))}
    </Space>
  );
}

/** Resource code and name in one cell. */
export function ResourceCell({ code, name }: { code: string; name: string }) {
  return (
    <Space orientation="vertical" size={0}>
      <Typography.Text strong>{name}</Typography.Text>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {code}
      </Typography.Text>
    </Space>
  );
}

interface ReasonsModalProps<V> {
  open: boolean;
  title: ReactNode;
  /** Sends the form's values; the modal closes and `onDone` runs on success. */
  run: (values: V & { reasons: string }) => Promise<unknown>;
  onClose: () => void;
  onDone: () => void;
  submitTestId: string;
  reasonsTestId: string;
  /** Reasons may be left empty (remarks). */
  optional?: boolean;
  okText?: string;
  initialValues?: Partial<V>;
  /** Fields before the reasons (decision, due date…). */
  children?: ReactNode;
}

/** A modal that asks for reasons (and whatever else the step needs), then runs the step. */
export function ReasonsModal<V extends object = object>({ open, title, run, onClose, onDone, submitTestId, reasonsTestId, optional, okText, initialValues, children }: ReasonsModalProps<V>) {
  const { t } = useI18n();
  const [form] = Form.useForm();
  const { busy, submit } = useFormSubmit(form);
  return (
    <FormModal
      open={open}
      title={title}
      form={form}
      busy={busy}
      submitTestId={submitTestId}
      okText={okText ?? t('common.submit')}
      onCancel={onClose}
      afterClose={() => form.resetFields()}
    >
      <Form
        form={form}
        layout="vertical"
        initialValues={initialValues}
        onFinish={(v: V & { reasons: string }) => submit(() => run(v), t('common.operationDone'), onDone)}
      >
        {children}
        <Form.Item name="reasons" label={t('sharing.reasons')} rules={optional ? [] : [{ required: true, whitespace: true, message: t('sharing.reasonsRequired') }]}>
          <Input.TextArea rows={4} maxLength={2000} showCount data-testid={reasonsTestId} />
        </Form.Item>
      </Form>
    </FormModal>
  );
}

/**
 * The object a notice links to (`/sharing/<list>/{id}`), shown above its list: a card with its
 * facts, closed with × (back to the plain list). Nothing when the list was opened without an id.
 */
export function FocusCard<T extends Parties>({ load, status, facts, listPath, testId }: { load: (id: string) => Promise<T>; status: (item: T) => ReactNode; facts: (item: T) => [string, ReactNode][]; listPath: string; testId: string }) {
  const { t } = useI18n();
  const { id } = useParams();
  const navigate = useNavigate();
  const item = useRequest(() => load(id!), [id], !!id);
  if (!id) return null;
  return (
    <Card
      size="small"
      style={{ marginBottom: 16 }}
      loading={item.loading}
      title={item.data ? <Space>{item.data.resourceName}{status(item.data)}</Space> : null}
      extra={
        <Button type="text" size="small" onClick={() => navigate(listPath)} aria-label={t('common.back')}>
          ×
        </Button>
      }
      data-testid={testId}
    >
      {item.error && <ErrorAlert error={item.error} />}
      {item.data && (
        <Descriptions size="small" column={2}>
          <Descriptions.Item label={t('sharing.consumer')}>{item.data.consumerDepartmentName}</Descriptions.Item>
          <Descriptions.Item label={t('sharing.provider')}>{item.data.providerDepartmentName}</Descriptions.Item>
          {facts(item.data).map(([label, value]) => (
            <Descriptions.Item key={label} label={label} span={2}>
              {value}
            </Descriptions.Item>
          ))}
        </Descriptions>
      )}
    </Card>
  );
}

/** The role tabs a user has: what they applied for, what waits for their answer, all in their scope. */
export function useRoleTabs() {
  const { can } = useAuth();
  const tabs: { key: Role; label: MessageKey; testId: string }[] = [];
  if (can('sharing.request')) tabs.push({ key: 'consumer', label: 'sharing.tab.outgoing', testId: 'outgoing' });
  if (can('sharing.decide')) tabs.push({ key: 'provider', label: 'sharing.tab.incoming', testId: 'incoming' });
  if (can('sharing.arbitrate')) tabs.push({ key: 'authority', label: 'sharing.tab.all', testId: 'all' });
  return tabs;
}
