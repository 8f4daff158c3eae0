/** The catalog module's public API: other modules import only from here. */
export { catalogRoutes } from './catalog.routes.ts';
export { getResource, listResources, type ResourceDto } from './catalog.service.ts';
export type { EntryContent, EntryField, ShareType, OpenType } from './domain/entry.ts';
