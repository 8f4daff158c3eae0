import { Alert, App, Button, Descriptions, Form, Input, Modal, Space, Spin } from 'antd';
import { useEffect, useState } from 'react';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useProblem } from '../../components/useProblem';
import { useRequest } from '../../hooks/useRequest';
import { useI18n } from '../../i18n';
import { fmtTime } from '../../utils/format';
import { catalogApi, type Resource } from './api';
import { FieldsTable } from './FieldsTable';
import { label, OpenTag, ShareTag } from './labels';

/**
 * The sharing authority's review of a submitted entry: check the elements and fields, confirm the
 * classification and publish, or return it with reasons.
 */
export function ReviewModal({ resource, onClose, onDone }: { resource: Resource | null; onClose: () => void; onDone: () => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const showProblem = useProblem();
  const [form] = Form.useForm<{ reasons?: string }>();
  const [busy, setBusy] = useState<'approve' | 'return' | null>(null);
  const detail = useRequest(() => catalogApi.get(resource!.id), [resource?.id], !!resource);

  useEffect(() => {
    if (resource) form.resetFields();
  }, [resource, form]);

  const decide = async (decision: 'approve' | 'return') => {
    const reasons = (form.getFieldValue('reasons') as string | undefined)?.trim();
    if (decision === 'return' && !reasons) {
      form.setFields([{ name: 'reasons', errors: [t('catalog.review.reasonRequired')] }]);
      return;
    }
    setBusy(decision);
    try {
      await catalogApi.review(resource!.id, { decision, reasons: reasons || undefined });
      message.success(decision === 'approve' ? t('catalog.review.published') : t('catalog.review.returned'));
      onDone();
    } catch (e) {
      showProblem(e, form);
    } finally {
      setBusy(null);
    }
  };

  // The entry being reviewed, not the one shown before it.
  const d = detail.data?.id === resource?.id ? detail.data : undefined;
  const c = d?.version.content;
  return (
    <Modal
      open={!!resource}
      title={resource ? t('catalog.review.modalTitle', { code: resource.code }) : ''}
      onCancel={onClose}
      width={1000}
      destroyOnHidden
      footer={
        <Space>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button danger loading={busy === 'return'} disabled={!!busy && busy !== 'return'} onClick={() => decide('return')} data-testid="review-return">
            {t('catalog.review.return')}
          </Button>
          <Button type="primary" loading={busy === 'approve'} disabled={!d || (!!busy && busy !== 'approve')} onClick={() => decide('approve')} data-testid="review-publish">
            {t('catalog.review.publish')}
          </Button>
        </Space>
      }
      data-testid="review-modal"
    >
      {detail.error && <ErrorAlert error={detail.error} onRetry={detail.reload} />}
      {!d || !c ? (
        <Spin />
      ) : (
        <>
          <Alert
            type="info"
            showIcon
            style={{ marginBottom: 12 }}
            title={t('catalog.review.confirmClassification', { classification: `${d.classificationCode} ${d.classificationName}${d.isBase ? `（${t('catalog.base')}）` : ''}` })}
          />
          <Descriptions size="small" bordered column={2} style={{ marginBottom: 12 }}>
            <Descriptions.Item label={t('catalog.name')}>{c.name}</Descriptions.Item>
            <Descriptions.Item label={t('catalog.provider')}>{d.providerDepartmentName}</Descriptions.Item>
            <Descriptions.Item label={t('catalog.summary')} span={2}>
              {c.summary}
            </Descriptions.Item>
            <Descriptions.Item label={t('catalog.shareType')}>
              <ShareTag type={c.share.type} /> {c.share.modes.map((m) => label(t, 'mode', m)).join('、')}
            </Descriptions.Item>
            <Descriptions.Item label={t('catalog.openType')}>
              <OpenTag type={c.open.type} /> {c.open.conditions}
            </Descriptions.Item>
            {c.share.conditions && (
              <Descriptions.Item label={t('catalog.shareConditions')} span={2}>
                {c.share.conditions}
              </Descriptions.Item>
            )}
            {c.share.legalBasis && (
              <Descriptions.Item label={t('catalog.legalBasis')} span={2}>
                {c.share.legalBasis}
              </Descriptions.Item>
            )}
            <Descriptions.Item label={t('catalog.version')}>v{d.version.version}</Descriptions.Item>
            <Descriptions.Item label={t('catalog.review.submittedAt')}>{fmtTime(d.version.submittedAt)}</Descriptions.Item>
          </Descriptions>
          <FieldsTable content={c} />
          <Form form={form} layout="vertical" style={{ marginTop: 12 }}>
            <Form.Item name="reasons" label={t('catalog.review.reason')}>
              <Input.TextArea rows={3} maxLength={2000} showCount data-testid="review-reason" />
            </Form.Item>
          </Form>
        </>
      )}
    </Modal>
  );
}
