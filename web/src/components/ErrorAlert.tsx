import { Alert, Button } from 'antd';
import type { ApiError } from '../api/client';
import { useI18n } from '../i18n';

/** A failed load: the message in the user's language, the request id for the help desk, a retry. */
export function ErrorAlert({ error, onRetry }: { error: ApiError; onRetry?: () => void }) {
  const { t, lang } = useI18n();
  return (
    <Alert
      type="error"
      showIcon
      style={{ marginBottom: 16 }}
      title={error.text(lang)}
      description={error.requestId ? t('error.requestId', { id: error.requestId }) : undefined}
      action={
        onRetry ? (
          <Button size="small" onClick={onRetry}>
            {t('common.retry')}
          </Button>
        ) : undefined
      }
    />
  );
}
