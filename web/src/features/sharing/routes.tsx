import { lazy } from 'react';
import { Route } from 'react-router-dom';
import type { PageGuard } from '../../routes';

const ApplyPage = lazy(() => import('./ApplyPage'));
const RequestsPage = lazy(() => import('./RequestsPage'));
const RequestDetailPage = lazy(() => import('./RequestDetailPage'));
const GrantsPage = lazy(() => import('./GrantsPage'));
const DisputesPage = lazy(() => import('./DisputesPage'));
const EscalationsPage = lazy(() => import('./EscalationsPage'));
const DutiesPage = lazy(() => import('./DutiesPage'));

/**
 * The sharing feature's pages, as <Route> elements under the console layout. Lists are open to
 * every user (the server shows each department its own rows and answers 403 without a sharing
 * permission); applying needs sharing.request.
 */
export function sharingRoutes(page: PageGuard) {
  return (
    <>
      <Route path="sharing/apply/:resourceId" element={page('sharing.request', <ApplyPage />)} />
      <Route path="sharing/requests" element={page(undefined, <RequestsPage />)} />
      <Route path="sharing/requests/:id" element={page(undefined, <RequestDetailPage />)} />
      <Route path="sharing/grants" element={page(undefined, <GrantsPage />)} />
      <Route path="sharing/disputes" element={page(undefined, <DisputesPage />)} />
      <Route path="sharing/disputes/:id" element={page(undefined, <DisputesPage />)} />
      <Route path="sharing/escalations" element={page(undefined, <EscalationsPage />)} />
      <Route path="sharing/escalations/:id" element={page(undefined, <EscalationsPage />)} />
      <Route path="sharing/duties" element={page(undefined, <DutiesPage />)} />
      <Route path="sharing/duties/:id" element={page(undefined, <DutiesPage />)} />
    </>
  );
}
