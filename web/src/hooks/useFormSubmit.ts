import { App, type FormInstance } from 'antd';
import { useState } from 'react';
import { useProblem } from '../components/useProblem';

/**
 * The save step of a form modal: `busy` while the request runs, a toast on success before the
 * caller is told (it usually closes the modal), and on failure the server's field errors under
 * the form's fields. `onError` sees a failure first, for a page that reacts to a particular code.
 */
export function useFormSubmit(form: FormInstance, onError?: (e: unknown) => void) {
  const { message } = App.useApp();
  const showProblem = useProblem();
  const [busy, setBusy] = useState(false);

  const submit = async <R>(run: () => Promise<R>, toast: string, done: (result: R) => void) => {
    setBusy(true);
    try {
      const result = await run();
      message.success(toast);
      done(result);
    } catch (e) {
      onError?.(e);
      showProblem(e, form);
    } finally {
      setBusy(false);
    }
  };

  return { busy, submit };
}
