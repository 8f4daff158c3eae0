import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { ApiError, isApiError, setAuthListeners, setCsrfToken } from '../api/client';
import { authApi } from '../api/auth';
import type { Me, Scope } from '../api/types';

type Status = 'loading' | 'ready' | 'error';

interface AuthValue {
  status: Status;
  me: Me | null;
  /** Why the user was sent back to the login page, if the session ended under them. */
  sessionEnded: boolean;
  bootError: ApiError | null;
  login: (username: string, password: string) => Promise<Me>;
  logout: () => Promise<void>;
  refresh: () => Promise<Me | null>;
  /** Called after the API revoked our own session: forget the user without calling the server. */
  forget: () => void;
  can: (permission: string) => boolean;
  scopeOf: (permission: string) => Scope | undefined;
}

const AuthContext = createContext<AuthValue | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [status, setStatus] = useState<Status>('loading');
  const [me, setMe] = useState<Me | null>(null);
  const [sessionEnded, setSessionEnded] = useState(false);
  const [bootError, setBootError] = useState<ApiError | null>(null);

  const refresh = useCallback(async () => {
    try {
      const m = await authApi.me();
      setCsrfToken(m.csrfToken);
      setMe(m);
      setBootError(null);
      setStatus('ready');
      return m;
    } catch (e) {
      if (isApiError(e) && e.status === 401) {
        setCsrfToken(null);
        setMe(null);
        setStatus('ready');
        return null;
      }
      if (isApiError(e)) setBootError(e);
      setStatus((s) => (s === 'loading' ? 'error' : s));
      throw e;
    }
  }, []);

  useEffect(() => {
    setAuthListeners({
      unauthorized: () => {
        setCsrfToken(null);
        setMe((prev) => {
          if (prev) setSessionEnded(true);
          return null;
        });
      },
      passwordChangeRequired: () => setMe((prev) => (prev ? { ...prev, mustChangePassword: true } : prev)),
    });
    refresh().catch(() => undefined);
  }, [refresh]);

  const login = useCallback(async (username: string, password: string) => {
    const r = await authApi.login(username, password);
    setCsrfToken(r.csrfToken);
    const m: Me = { ...r.user, mustChangePassword: r.mustChangePassword, csrfToken: r.csrfToken };
    setMe(m);
    setSessionEnded(false);
    setStatus('ready');
    return m;
  }, []);

  const forget = useCallback(() => {
    setCsrfToken(null);
    setMe(null);
  }, []);

  const logout = useCallback(async () => {
    try {
      await authApi.logout();
    } catch {
      /* the session is gone either way */
    }
    forget();
  }, [forget]);

  const value = useMemo<AuthValue>(
    () => ({
      status,
      me,
      sessionEnded,
      bootError,
      login,
      logout,
      refresh,
      forget,
      can: (p) => !!me?.permissions?.[p],
      scopeOf: (p) => me?.permissions?.[p],
    }),
    [status, me, sessionEnded, bootError, login, logout, refresh, forget],
  );

  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthValue {
  const v = useContext(AuthContext);
  if (!v) throw new Error('useAuth must be used inside <AuthProvider>');
  return v;
}

/** The logged-in user; only for components under the authenticated layout. */
export function useMe(): Me {
  const { me } = useAuth();
  if (!me) throw new Error('useMe needs a logged-in user');
  return me;
}
