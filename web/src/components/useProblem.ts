import { App, type FormInstance } from 'antd';
import { useCallback } from 'react';
import { isApiError } from '../api/client';
import { useI18n } from '../i18n';
import { applyFieldErrors, problemText } from './problem';

/**
 * Shows an API failure: field errors go under the form's fields (`/body/uscc` → `uscc`), the
 * main message (Chinese or English) in a toast.
 */
export function useProblem() {
  const { message } = App.useApp();
  const { lang } = useI18n();
  return useCallback(
    (e: unknown, form?: FormInstance) => {
      if (isApiError(e) && e.status === 401 && e.code !== 'AUTH_INVALID_CREDENTIALS') return;
      if (isApiError(e) && form) {
        const known = Object.keys(form.getFieldsValue() ?? {});
        const leftover = applyFieldErrors(form, e, lang, known);
        message.error([e.text(lang), ...leftover].join(lang === 'zh' ? '；' : '; '));
        return;
      }
      message.error(problemText(e, lang));
    },
    [message, lang],
  );
}
