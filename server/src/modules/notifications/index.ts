/** The notifications module's public API: console notices addressed to departments. */
export { notify, notifyMany, type NoticeInput } from './notifications.service.ts';
export { notificationRoutes } from './notifications.routes.ts';
export { notifyOnce, type StageKey } from './notifications.once.ts';
