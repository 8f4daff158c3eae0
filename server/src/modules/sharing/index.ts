/** The sharing module's public API: other modules import only from here. */
export { sharingRoutes } from './sharing.routes.ts';
export { createUnconditionalGrant, grantFor, grantById, type Grant } from './sharing.service.ts';
export { sharingStatsRoutes } from './sharing.stats.routes.ts';
export { sendSharingNotices } from './sharing.reminders.ts';
