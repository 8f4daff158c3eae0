import type { PageGuard } from '../../routes';

/** The sharing feature's pages, as <Route> elements under the console layout. */
export function sharingRoutes(_page: PageGuard) {
  return <></>;
}
