import { Alert, Form, Input, Modal, type ButtonProps } from 'antd';
import { useFormSubmit } from '../../hooks/useFormSubmit';
import { useI18n } from '../../i18n';
import { tid } from '../../utils/testid';
import { exchangeApi, type ExchangeTask } from './api';
import { ScheduleStrategyFields } from './ScheduleStrategyFields';
import { editValues, formPointer, repoint, scheduleBody, strategyBody, type TaskFormValues } from './taskForm';

/**
 * 修改任务: name, schedule and strategy of a task that runs on. Its source, fields and targets
 * decide what the checkpoint and the grants mean, so those are fixed (a new task changes them).
 */
export function EditTaskModal({ task, onClose, onSaved }: { task: ExchangeTask; onClose: () => void; onSaved: (task: ExchangeTask) => void }) {
  const { t } = useI18n();
  const [form] = Form.useForm<TaskFormValues>();
  const { busy, submit } = useFormSubmit(form);

  const save = (v: TaskFormValues) =>
    submit(
      async () => {
        try {
          return await exchangeApi.updateTask(task.id, { name: v.name.trim(), schedule: scheduleBody(v.schedule), strategy: strategyBody(v.strategy) });
        } catch (e) {
          throw repoint(e, (p) => formPointer(p, [], 'table'));
        }
      },
      t('exchange.task.updated'),
      onSaved,
    );

  return (
    <Modal
      open
      width={760}
      title={t('exchange.task.editTitle')}
      okText={t('common.save')}
      confirmLoading={busy}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
      okButtonProps={tid<ButtonProps>('task-edit-save')}
    >
      <Alert type="info" showIcon style={{ marginBottom: 16 }} title={t('exchange.task.editHelp')} />
      <Form form={form} layout="vertical" initialValues={editValues(task)} onFinish={save} data-testid="task-edit-form">
        <Form.Item name="name" label={t('exchange.task.name')} rules={[{ required: true, whitespace: true, message: t('exchange.required') }]}>
          <Input maxLength={200} data-testid="task-edit-name" />
        </Form.Item>
        <ScheduleStrategyFields form={form} compact />
      </Form>
    </Modal>
  );
}
