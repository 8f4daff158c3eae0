import { Modal, type FormInstance, type ModalProps } from 'antd';
import { useI18n } from '../i18n';

type Props = Omit<ModalProps, 'onOk' | 'okButtonProps' | 'forceRender'> & {
  form: FormInstance;
  /** From useFormSubmit: the OK button spins while saving. */
  busy: boolean;
  submitTestId: string;
  /** Keeps OK off while the form's data is still loading. */
  okDisabled?: boolean;
};

/**
 * A modal around one form. OK submits the form, so its rules run before anything is sent; the
 * form stays mounted (forceRender) so it can be filled before the modal opens. OK reads 保存
 * unless `okText` says otherwise.
 */
export function FormModal({ form, busy, submitTestId, okDisabled, okText, ...modal }: Props) {
  const { t } = useI18n();
  return (
    <Modal
      {...modal}
      okText={okText ?? t('common.save')}
      onOk={() => form.submit()}
      okButtonProps={{ loading: busy, disabled: okDisabled, 'data-testid': submitTestId }}
      forceRender
    />
  );
}
