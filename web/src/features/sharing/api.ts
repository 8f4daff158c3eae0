import { api, type Page, type Query } from '../../api/client';

/** Typed calls of the sharing API (docs/sharing.md) and the department notices. */

export type ShareType = 'unconditional' | 'conditional' | 'none';
export type RequestStatus = 'pending' | 'approved' | 'refused' | 'escalated' | 'arbitration_approved' | 'arbitration_refused';
export type Stage = 'on_time' | 'reminded_5' | 'reminded_8' | 'overdue';
export type GrantState = 'active' | 'revoked' | 'expired' | 'not_yet_valid';
export type EscalationStatus = 'open' | 'upheld' | 'share_ordered';
export type DisputeStatus = 'open' | 'corrected' | 'rejected';
export type DutyStatus = 'fulfilled' | 'pending' | 'overdue' | 'closed';
export type Role = 'consumer' | 'provider' | 'authority';

export interface Parties {
  id: string;
  resourceId: string;
  resourceCode: string;
  resourceName: string;
  providerDepartmentId: string;
  providerDepartmentName: string;
  consumerDepartmentId: string;
  consumerDepartmentName: string;
}

export interface SharingRequest extends Parties {
  resourceVersion: number;
  fields: string[];
  wholeResource: boolean;
  purpose: string;
  dutyBasis: string;
  scopeOfUse: string;
  validFrom: string;
  validTo: string;
  status: RequestStatus;
  requestedBy: string;
  receivedAt: string;
  deadline: string;
  deadlineDate: string;
  remindAt5: string;
  remindAt8: string;
  stage: Stage;
  overdue: boolean;
  workingDaysLeft: number | null;
  answeredAt: string | null;
  answeredBy: string | null;
  answerReasons: string | null;
  approvedFields: string[] | null;
  approvedValidTo: string | null;
  escalatedAt: string | null;
  escalationReasons: string | null;
  arbitratedAt: string | null;
  arbitratedBy: string | null;
  arbitrationReasons: string | null;
  grantId: string | null;
  createdAt: string;
}

export interface Grant extends Parties {
  kind: 'unconditional' | 'conditional';
  requestId: string | null;
  fields: string[];
  wholeResource: boolean;
  purpose: string;
  validFrom: string;
  validTo: string | null;
  grantedBy: string;
  grantedAt: string;
  status: GrantState;
  revokedAt: string | null;
  revokedBy: string | null;
  revokeReasons: string | null;
}

export interface Escalation extends Parties {
  reasons: string;
  createdBy: string;
  createdAt: string;
  status: EscalationStatus;
  answeredAt: string | null;
  answeredBy: string | null;
  answerReasons: string | null;
  dutyId: string | null;
}

export interface Dispute extends Parties {
  recordKey: string;
  field: string;
  fieldName: string;
  issue: string;
  evidence: string;
  status: DisputeStatus;
  raisedBy: string;
  raisedAt: string;
  dueDate: string;
  overdue: boolean;
  answeredLate: boolean;
  answeredAt: string | null;
  answeredBy: string | null;
  answerReasons: string | null;
}

export interface Duty extends Parties {
  description: string;
  dueDate: string;
  status: DutyStatus;
  grantId: string | null;
  recordedBy: string;
  recordedAt: string;
  closedAt: string | null;
  closedBy: string | null;
  closeReasons: string | null;
}

export interface Notice {
  id: string;
  kind: string;
  title: string;
  body: string;
  link: string;
  resourceId: string | null;
  createdAt: string;
  read: boolean;
}

/** A catalog entry as GET /api/catalog/resources/:id returns it (the parts the apply page shows). */
export interface ResourceField {
  name: string;
  englishName: string;
  dataType: string;
  length?: number;
  base?: boolean;
  shareType?: ShareType;
  shareConditions?: string;
  legalBasis?: string;
}
export interface Resource {
  id: string;
  code: string;
  name: string;
  summary: string;
  status: string;
  providerDepartmentId: string;
  providerDepartmentName: string;
  shareType: ShareType;
  version: { content: { fields: ResourceField[]; share: { type: ShareType; conditions?: string; legalBasis?: string; modes: string[] } } };
}

/** The share type a field actually has: a base item is unconditional; else its own, else the resource's. */
export const fieldShareType = (r: Resource, f: ResourceField): ShareType => (f.base ? 'unconditional' : (f.shareType ?? r.version.content.share.type));

export interface ApplyBody {
  resourceId: string;
  fields?: string[];
  purpose: string;
  dutyBasis: string;
  scopeOfUse: string;
  validFrom: string;
  validTo: string;
}

export const sharingApi = {
  resource: (id: string) => api.get<Resource>(`/api/catalog/resources/${id}`),
  requests: (q: Query) => api.get<Page<SharingRequest>>('/api/sharing/requests', q),
  request: (id: string) => api.get<SharingRequest>(`/api/sharing/requests/${id}`),
  apply: (body: ApplyBody) => api.post<SharingRequest>('/api/sharing/requests', body),
  approve: (id: string, body: { fields?: string[]; validTo?: string; reasons?: string }) => api.post<SharingRequest>(`/api/sharing/requests/${id}/approve`, body),
  refuse: (id: string, reasons: string) => api.post<SharingRequest>(`/api/sharing/requests/${id}/refuse`, { reasons }),
  escalate: (id: string, reasons: string) => api.post<SharingRequest>(`/api/sharing/requests/${id}/escalate`, { reasons }),
  arbitrate: (id: string, body: { decision: 'approve' | 'refuse'; reasons: string }) => api.post<SharingRequest>(`/api/sharing/requests/${id}/arbitrate`, body),
  grants: (q: Query) => api.get<Page<Grant>>('/api/sharing/grants', q),
  obtain: (body: { resourceId: string; purpose: string; fields?: string[] }) => api.post<Grant>('/api/sharing/grants', body),
  revoke: (id: string, reasons: string) => api.post<Grant>(`/api/sharing/grants/${id}/revoke`, { reasons }),
  escalations: (q: Query) => api.get<Page<Escalation>>('/api/sharing/escalations', q),
  escalation: (id: string) => api.get<Escalation>(`/api/sharing/escalations/${id}`),
  createEscalation: (body: { resourceId: string; reasons: string }) => api.post<Escalation>('/api/sharing/escalations', body),
  answerEscalation: (id: string, body: { decision: 'upheld' | 'share_ordered'; reasons: string; dueDate?: string }) =>
    api.post<Escalation>(`/api/sharing/escalations/${id}/answer`, body),
  disputes: (q: Query) => api.get<Page<Dispute>>('/api/sharing/disputes', q),
  dispute: (id: string) => api.get<Dispute>(`/api/sharing/disputes/${id}`),
  raiseDispute: (body: { resourceId: string; recordKey: string; field: string; issue: string; evidence: string }) => api.post<Dispute>('/api/sharing/disputes', body),
  answerDispute: (id: string, body: { outcome: 'corrected' | 'rejected'; reasons?: string }) => api.post<Dispute>(`/api/sharing/disputes/${id}/answer`, body),
  duties: (q: Query) => api.get<Page<Duty>>('/api/sharing/duties', q),
  duty: (id: string) => api.get<Duty>(`/api/sharing/duties/${id}`),
  createDuty: (body: { providerDepartmentId: string; resourceId: string; consumerDepartmentId: string; description: string; dueDate: string }) =>
    api.post<Duty>('/api/sharing/duties', body),
  closeDuty: (id: string, reasons: string) => api.post<Duty>(`/api/sharing/duties/${id}/close`, { reasons }),
  notices: (q: Query) => api.get<Page<Notice> & { unread: number }>('/api/notifications', q),
  markRead: (id: string) => api.post<Notice>(`/api/notifications/${id}/read`),
  markAllRead: () => api.post<{ marked: number }>('/api/notifications/read-all'),
};
