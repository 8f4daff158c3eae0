/** The audit module's public API: other modules import only from here. */
export { record, type AuditInput, type Outcome } from './audit.record.ts';
export { failuresFrom } from './audit.failures.ts';
export { sealNextBatch, sealAll } from './audit.sealer.ts';
export { verifyAuditLog, type VerifyReport, type VerifyProblem } from './audit.verify.ts';
export { loadOrCreateSigningKey, loadSigningKey, defaultKeyFile, type SigningKey } from './audit.keys.ts';
export { auditRoutes } from './audit.routes.ts';
export { auditStatus } from './audit.service.ts';
