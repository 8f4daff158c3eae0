import { useCallback, useEffect, useRef, useState, type DependencyList } from 'react';
import { ApiError, isApiError } from '../api/client';

export interface RequestState<T> {
  data: T | undefined;
  loading: boolean;
  error: ApiError | null;
  reload: () => void;
  setData: (d: T | undefined) => void;
}

/**
 * Runs `fn` whenever `deps` change and keeps only the latest answer (older answers that arrive
 * late are dropped). Pass `enabled = false` to wait.
 */
export function useRequest<T>(fn: () => Promise<T>, deps: DependencyList, enabled = true): RequestState<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [loading, setLoading] = useState(enabled);
  const [error, setError] = useState<ApiError | null>(null);
  const [tick, setTick] = useState(0);
  const seq = useRef(0);
  const fnRef = useRef(fn);
  fnRef.current = fn;

  useEffect(() => {
    if (!enabled) {
      setLoading(false);
      return;
    }
    const mine = ++seq.current;
    setLoading(true);
    fnRef
      .current()
      .then((d) => {
        if (mine !== seq.current) return;
        setData(d);
        setError(null);
      })
      .catch((e: unknown) => {
        if (mine !== seq.current) return;
        setError(
          isApiError(e)
            ? e
            : new ApiError({ status: 0, code: 'CLIENT', message: String((e as Error)?.message ?? e), messageZh: '页面出错' }),
        );
      })
      .finally(() => {
        if (mine === seq.current) setLoading(false);
      });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick, enabled]);

  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { data, loading, error, reload, setData };
}
