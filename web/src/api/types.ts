export type Scope = 'department' | 'division' | 'platform';

export interface RoleGrant {
  role: string;
  scope: Scope;
}

export interface Me {
  id: string;
  kind: 'user';
  username: string;
  displayName: string;
  departmentId: string;
  departmentName: string;
  divisionCode: string;
  divisionName: string;
  mustChangePassword: boolean;
  roles: RoleGrant[];
  permissions: Record<string, Scope>;
  csrfToken: string;
}

export interface LoginResult {
  csrfToken: string;
  mustChangePassword: boolean;
  user: Me;
}

export interface SessionInfo {
  id: string;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  ip: string | null;
  userAgent: string | null;
  current: boolean;
}

export type DivisionLevel = 'province' | 'city' | 'county' | 'township' | 'village';

export interface DivisionNode {
  code: string;
  name: string;
  level: DivisionLevel;
  parentCode: string | null;
  children: DivisionNode[];
}

export interface Department {
  id: string;
  name: string;
  shortName: string | null;
  uscc: string;
  legacyCode: boolean;
  usccWarning: string | null;
  divisionCode: string;
  divisionName: string;
  parentId: string | null;
  parentName: string | null;
  kind: string;
  kindName: string;
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface DepartmentKind {
  kind: string;
  zh: string;
  en: string;
}

export interface User {
  id: string;
  username: string;
  displayName: string;
  departmentId: string;
  departmentName: string;
  email: string | null;
  phone: string | null;
  enabled: boolean;
  mustChangePassword: boolean;
  lockedUntil: string | null;
  lastLoginAt: string | null;
  roles: RoleGrant[];
  createdAt: string;
}

export interface RoleInfo {
  role: string;
  zh: string;
  en: string;
  permissions: string[];
}

export interface Client {
  id: string;
  clientId: string;
  name: string;
  kind: 'system' | 'agent';
  departmentId: string;
  departmentName: string;
  keyFingerprint: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
  roles: RoleGrant[];
  createdAt: string;
}

export type Outcome = 'success' | 'failure' | 'denied';

export interface AuditEntry {
  id: string;
  occurredAt: string;
  actorKind: string;
  actorId: string | null;
  actorName: string | null;
  departmentId: string | null;
  departmentName: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  targetLabel: string | null;
  summary: unknown;
  ip: string | null;
  requestId: string | null;
  outcome: Outcome;
  errorCode: string | null;
  batchNo: number | null;
}

export interface AuditStatus {
  entries: number;
  sealed: number;
  unsealed: number;
  batches: number;
  lastBatchNo: number | null;
  lastSealedAt: string | null;
}

export interface AuditVerifyResult {
  ok: boolean;
  batches: number;
  entries: number;
  unsealed: number;
  head: { batchNo: number; chainHash: string } | null;
  problems: { kind: string; batchNo: number | null; entryId: number | null; message: string }[];
}

export interface CalendarYearSummary {
  year: number;
  source: 'built-in' | 'custom';
  documentNumber: string | null;
  holidays: number;
  adjustedWorkingDays: number;
}

export type DayKind = 'workday' | 'weekend' | 'holiday' | 'adjustedWorkingDay';

export interface CalendarDay {
  date: string;
  working: boolean;
  kind: DayKind;
  name?: string;
}

export interface NamedDate {
  date: string;
  name: string;
}

export interface CalendarSource {
  title: string;
  documentNumber: string;
  publishedOn: string;
  url?: string;
}

export interface CalendarYear {
  year: number;
  holidays: NamedDate[];
  adjustedWorkingDays: NamedDate[];
  source: CalendarSource[];
}

export interface DeadlineResult {
  start: string;
  days: number;
  effectiveStart: string;
  firstCountedDay: string;
  deadline: string;
  deadlineDate: string;
}
