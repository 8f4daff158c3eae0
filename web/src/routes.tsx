import { Button, Result, Spin } from 'antd';
import { lazy, Suspense, type ReactNode } from 'react';
import { Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { useAuth } from './auth/AuthContext';
import { AppLayout } from './components/AppLayout';
import { NotFound, RequirePermission } from './components/Guards';
import { useI18n } from './i18n';
import { LoginPage } from './pages/LoginPage';
import { ChangePasswordPage } from './pages/ChangePasswordPage';
import { catalogRoutes } from './features/catalog/routes';
import { sharingRoutes } from './features/sharing/routes';
import { statsRoutes } from './features/stats/routes';
import { exchangeRoutes } from './features/exchange/routes';

const HomePage = lazy(() => import('./pages/HomePage'));
const DivisionsPage = lazy(() => import('./pages/DivisionsPage'));
const DepartmentsPage = lazy(() => import('./pages/DepartmentsPage'));
const UsersPage = lazy(() => import('./pages/UsersPage'));
const ClientsPage = lazy(() => import('./pages/ClientsPage'));
const AuditPage = lazy(() => import('./pages/AuditPage'));
const CalendarPage = lazy(() => import('./pages/CalendarPage'));
const ProfilePage = lazy(() => import('./pages/ProfilePage'));

function FullPageSpin() {
  const { t } = useI18n();
  return (
    <div style={{ minHeight: '100vh', display: 'flex', alignItems: 'center', justifyContent: 'center' }}>
      <Spin size="large" description={t('app.loading')} />
    </div>
  );
}

/** Wraps a page so that only holders of `permission` see it (others get 无权访问). */
export type PageGuard = (permission: string | undefined, el: ReactNode) => ReactNode;

/** Logged in, and the initial password already changed. */
function RequireUser({ children }: { children: ReactNode }) {
  const { me } = useAuth();
  const location = useLocation();
  if (!me) return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
  if (me.mustChangePassword) return <Navigate to="/change-password" replace />;
  return <>{children}</>;
}

export function AppRoutes() {
  const { status, me, bootError, refresh } = useAuth();
  const { t, lang } = useI18n();

  if (status === 'loading') return <FullPageSpin />;
  if (status === 'error') {
    return (
      <Result
        status="500"
        title={bootError?.text(lang) ?? t('common.loadFailed')}
        extra={
          <Button type="primary" onClick={() => refresh().catch(() => undefined)}>
            {t('common.retry')}
          </Button>
        }
      />
    );
  }

  const page: PageGuard = (permission, el) => <RequirePermission permission={permission}>{el}</RequirePermission>;

  return (
    <Suspense fallback={<FullPageSpin />}>
      <Routes>
        <Route path="/login" element={<LoginPage />} />
        <Route
          path="/change-password"
          element={!me ? <Navigate to="/login" replace /> : me.mustChangePassword ? <ChangePasswordPage /> : <Navigate to="/" replace />}
        />
        <Route
          element={
            <RequireUser>
              <AppLayout />
            </RequireUser>
          }
        >
          <Route index element={<HomePage />} />
          {catalogRoutes(page)}
          {sharingRoutes(page)}
          {statsRoutes(page)}
          {exchangeRoutes(page)}
          <Route path="org/divisions" element={page('org.division.read', <DivisionsPage />)} />
          <Route path="org/departments" element={page('org.department.read', <DepartmentsPage />)} />
          <Route path="org/users" element={page('org.user.read', <UsersPage />)} />
          <Route path="org/clients" element={page('org.client.read', <ClientsPage />)} />
          <Route path="audit" element={page('audit.read', <AuditPage />)} />
          <Route path="calendar" element={<CalendarPage />} />
          <Route path="profile" element={<ProfilePage />} />
          <Route path="*" element={<NotFound />} />
        </Route>
      </Routes>
    </Suspense>
  );
}
