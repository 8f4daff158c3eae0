import { lazy } from 'react';
import { Route } from 'react-router-dom';
import type { PageGuard } from '../../routes';

const StatsPage = lazy(() => import('./StatsPage'));

/** The stats feature's pages, as <Route> elements under the console layout. */
export function statsRoutes(page: PageGuard) {
  return <Route path="stats" element={page('catalog.read', <StatsPage />)} />;
}
