import { api, type Page, type Query } from '../../api/client';

/** Typed calls of the catalog API (docs/catalog.md). */

export const SHARE_TYPES = ['unconditional', 'conditional', 'none'] as const;
export const OPEN_TYPES = ['open', 'conditional', 'closed'] as const;
export const SHARE_MODES = ['interface', 'exchange', 'query', 'download'] as const;
export const FORMATS = ['database', 'file', 'interface', 'spreadsheet', 'image', 'stream', 'other'] as const;
export const UPDATE_CYCLES = ['realtime', 'daily', 'weekly', 'monthly', 'quarterly', 'half_yearly', 'yearly', 'irregular'] as const;
export const DATA_TYPES = ['string', 'integer', 'decimal', 'date', 'datetime', 'boolean', 'binary', 'other'] as const;
export const STATUSES = ['draft', 'submitted', 'returned', 'published', 'withdrawn'] as const;

export type ShareType = (typeof SHARE_TYPES)[number];
export type OpenType = (typeof OPEN_TYPES)[number];
export type ShareMode = (typeof SHARE_MODES)[number];
export type FormatKind = (typeof FORMATS)[number];
export type UpdateCycle = (typeof UPDATE_CYCLES)[number];
export type DataType = (typeof DATA_TYPES)[number];
export type ResourceStatus = (typeof STATUSES)[number];

export interface EntryField {
  name: string;
  englishName: string;
  dataType: DataType;
  length?: number;
  description?: string;
  personal: boolean;
  sensitive: boolean;
  base?: boolean;
  shareType?: ShareType;
  shareConditions?: string;
  legalBasis?: string;
  openType?: OpenType;
}

export interface EntryContent {
  classificationCode: string;
  name: string;
  providerUnit?: string;
  summary: string;
  format: { kind: FormatKind; detail?: string };
  fields: EntryField[];
  share: { type: ShareType; conditions?: string; legalBasis?: string; modes: ShareMode[] };
  open: { type: OpenType; conditions?: string };
  updateCycle: UpdateCycle;
  relatedResourceCodes: string[];
}

export interface Resource {
  id: string;
  code: string;
  status: ResourceStatus;
  latestVersion: number;
  publishedVersion: number | null;
  providerDepartmentId: string;
  providerDepartmentName: string;
  providerCode: string;
  classificationCode: string;
  classificationName: string;
  isBase: boolean;
  name: string;
  summary: string;
  shareType: ShareType;
  openType: OpenType;
  updateCycle: UpdateCycle;
  format: FormatKind;
  publishedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface Version {
  version: number;
  state: string;
  content: EntryContent;
  createdBy: string | null;
  createdAt: string;
  submittedAt: string | null;
  reviewedBy: string | null;
  reviewedAt: string | null;
  reviewNote: string | null;
}

/** What the signed-in user may do to the entry, as the server judges it (department scope included). */
export interface ResourceViewer {
  manage: boolean;
  review: boolean;
}
export type ResourceDetail = Resource & { version: Version; viewer: ResourceViewer };
/** A page of the list; past the count cap (1,000) `total` is a lower bound and `totalIsEstimate` is true. */
export type ResourcePage = Page<Resource> & { totalIsEstimate?: boolean };

export interface Classification {
  code: string;
  name: string;
  kind: 'base' | 'theme' | 'department';
  level: 'class' | 'item' | 'catalog' | 'detail';
  parentCode: string | null;
  baseResource: boolean;
}

export interface Change {
  path: string;
  before: unknown;
  after: unknown;
}

export interface TreeNode {
  key: string;
  kind: 'classification' | 'division' | 'department';
  code: string;
  name: string;
  id: string | null;
  count: number;
  children: TreeNode[];
}

export interface Totals {
  resources: number;
  byShareType: Record<ShareType, number>;
  byOpenType: Record<OpenType, number>;
}

export interface AggregateView {
  division: { code: string; name: string; level: string; parentCode: string | null };
  total: Totals;
  departments: (Totals & { id: string; name: string })[];
  children: (Totals & { code: string; name: string; level: string })[];
  classifications: { code: string; name: string; count: number }[];
}

export interface Subscription {
  resourceId: string;
  code: string;
  name: string;
  status: string;
  publishedVersion: number | null;
  providerDepartmentId: string;
  providerDepartmentName: string;
  subscribedBy: string;
  subscribedAt: string;
}

export interface UpdateDuty {
  id: string;
  departmentId: string;
  departmentName: string;
  reason: 'law' | 'duty';
  reasonZh: string;
  basis: string;
  recordedBy: string;
  recordedByDepartmentId: string;
  recordedByDepartmentName: string;
  recordedAt: string;
  dueDate: string;
  deadline: string;
  status: 'open' | 'fulfilled';
  overdue: boolean;
  remainingWorkingDays: number | null;
  fulfilledAt: string | null;
  fulfilledBy: string | null;
  fulfilledLate: boolean | null;
  note: string | null;
}

export interface ListQuery extends Query {
  page?: number;
  pageSize?: number;
  q?: string;
  status?: ResourceStatus;
  providerDepartmentId?: string;
  divisionCode?: string;
  classificationCode?: string;
  shareType?: ShareType;
  openType?: OpenType;
  updateCycle?: UpdateCycle;
}

const r = (id: string) => `/api/catalog/resources/${id}`;

export const catalogApi = {
  classifications: () => api.get<{ items: Classification[] }>('/api/catalog/classifications'),
  list: (q: ListQuery) => api.get<ResourcePage>('/api/catalog/resources', q),
  get: (id: string) => api.get<ResourceDetail>(r(id)),
  versions: (id: string) => api.get<{ items: Version[] }>(`${r(id)}/versions`),
  diff: (id: string, from: number, to: number) => api.get<{ from: number; to: number; changes: Change[] }>(`${r(id)}/diff`, { from, to }),
  create: (content: EntryContent) => api.post<ResourceDetail>('/api/catalog/resources', { content }),
  update: (id: string, content: EntryContent) => api.put<ResourceDetail>(r(id), { content }),
  submit: (id: string) => api.post<ResourceDetail>(`${r(id)}/submit`),
  review: (id: string, body: { decision: 'approve' | 'return'; reasons?: string }) => api.post<ResourceDetail>(`${r(id)}/review`, body),
  revise: (id: string) => api.post<ResourceDetail>(`${r(id)}/revise`),
  withdraw: (id: string, reasons: string) => api.post<ResourceDetail>(`${r(id)}/withdraw`, { reasons }),
  subscribe: (id: string) => api.post<Subscription>(`${r(id)}/subscription`),
  unsubscribe: (id: string) => api.del<void>(`${r(id)}/subscription`),
  subscriptions: (q: { page?: number; pageSize?: number }) => api.get<Page<Subscription>>('/api/catalog/subscriptions', q),
  tree: (by: 'classification' | 'department') => api.get<{ by: string; items: TreeNode[] }>('/api/catalog/tree', { by }),
  aggregate: (divisionCode?: string) => api.get<AggregateView>('/api/catalog/aggregate', { divisionCode }),
  duties: (q: { status?: 'open' | 'fulfilled'; overdue?: boolean; departmentId?: string; page?: number; pageSize?: number }) =>
    api.get<Page<UpdateDuty>>('/api/catalog/update-duties', q),
  duty: (id: string) => api.get<UpdateDuty>(`/api/catalog/update-duties/${id}`),
  recordDuty: (body: { departmentId: string; reason: 'law' | 'duty'; basis: string }) => api.post<UpdateDuty>('/api/catalog/update-duties', body),
  fulfilDuty: (id: string, note?: string) => api.post<UpdateDuty>(`/api/catalog/update-duties/${id}/fulfil`, { note }),
};
