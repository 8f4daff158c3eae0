/** The catalog module's public API: other modules import only from here. */
export { catalogRoutes } from './catalog.routes.ts';
export { catalogDcatRoutes } from './dcat/dcat.routes.ts';
export { catalogDutyRoutes, catalogSubscriptionRoutes } from './catalog.duties.routes.ts';
export { catalogTreeRoutes } from './catalog.tree.routes.ts';
export { UPDATE_DUTY_WORKING_DAYS, type UpdateDutyDto } from './catalog.duties.ts';
export { sendUpdateDutyNotices } from './catalog.reminders.ts';
export { createResource, getResource, listResources, reviewResource, submitResource, type ResourceDto } from './catalog.service.ts';
export type { EntryContent, EntryField, ShareType, OpenType } from './domain/entry.ts';
export { resourceShareInfo, type ResourceShareInfo } from './catalog.share-info.ts';
export { catalogFiguresByDepartment, catalogMonths, emptyCatalogFigures, type CatalogFigures, type StatsPeriod } from './catalog.stats.ts';
