import type { PageGuard } from '../../routes';

/** The catalog feature's pages, as <Route> elements under the console layout. */
export function catalogRoutes(_page: PageGuard) {
  return <></>;
}
