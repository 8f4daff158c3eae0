import { api, queryString, type Page, type Query } from './client';
import type { AuditEntry, AuditStatus, AuditVerifyResult } from './types';

export const auditApi = {
  entries: (q: Query) => api.get<Page<AuditEntry>>('/api/audit/entries', q),
  csvUrl: (q: Query) => `/api/audit/entries.csv${queryString(q)}`,
  status: () => api.get<AuditStatus>('/api/audit/status'),
  verify: () => api.post<AuditVerifyResult>('/api/audit/verify'),
};
