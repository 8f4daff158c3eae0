import type { PageGuard } from '../../routes';

/** The stats feature's pages, as <Route> elements under the console layout. */
export function statsRoutes(_page: PageGuard) {
  return <></>;
}
