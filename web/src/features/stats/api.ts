import { api, queryString, type Page, type Query } from '../../api/client';

/** Typed calls of the sharing statistics API (docs/sharing-statistics.md) and the to-do card's lists. */

export const FAILING_KINDS = ['not_catalogued', 'not_provided', 'inconsistent', 'misuse', 'other'] as const;
export type FailingKind = (typeof FAILING_KINDS)[number];
export type FailingCounts = Record<FailingKind, number>;

export const FIGURE_KEYS = [
  'catalogued',
  'published',
  'updateDuties',
  'updateDutiesOnTime',
  'updateDutiesLate',
  'updateDutiesOpen',
  'updateDutiesOverdue',
  'requestsReceived',
  'requestsAnsweredOnTime',
  'requestsAnsweredLate',
  'requestsOpen',
  'requestsOverdue',
  'requestsMade',
  'grantsGiven',
  'grantsReceived',
  'disputesReceived',
  'disputesAnsweredOnTime',
  'disputesAnsweredLate',
  'disputesOpen',
  'disputesOverdue',
  'disputesCorrected',
  'disputesRaised',
  'sharingDuties',
  'sharingDutiesFulfilled',
  'sharingDutiesPending',
  'sharingDutiesOverdue',
  'failingsRecorded',
  'failingsTotal',
] as const;
export type FigureKey = (typeof FIGURE_KEYS)[number];
export type Figures = Record<FigureKey, number>;

export interface DepartmentStats extends Figures {
  /** The department id (the table's row key). */
  departmentId: string;
  departmentName: string;
  divisionCode: string;
  failings: FailingCounts;
  flagged: boolean;
}

export interface MonthStats {
  month: string;
  catalogued: number;
  published: number;
  requestsReceived: number;
  requestsAnsweredOnTime: number;
  requestsAnsweredLate: number;
  requestsOverdue: number;
}

export interface StatsPage extends Page<DepartmentStats> {
  from: string;
  to: string;
  departments: number;
  flaggedDepartments: number;
  totals: Figures & { failings: FailingCounts };
  months: MonthStats[];
}

export interface Failing {
  id: string;
  departmentId: string;
  departmentName: string;
  kind: FailingKind;
  kindZh: string;
  description: string;
  evidence: string;
  resourceId: string | null;
  resourceCode: string | null;
  resourceName: string | null;
  recordedBy: string;
  recordedByDepartmentId: string;
  recordedByDepartmentName: string;
  recordedAt: string;
}

export interface RecordFailingInput {
  departmentId: string;
  kind: FailingKind;
  description: string;
  evidence: string;
  resourceId?: string;
}

/** The parts of an update duty, a request and a dispute the to-do card shows. */
export interface UpdateDutyTodo {
  id: string;
  departmentId: string;
  departmentName: string;
  reason: 'law' | 'duty';
  basis: string;
  dueDate: string;
  overdue: boolean;
  remainingWorkingDays: number | null;
}
export interface RequestTodo {
  id: string;
  resourceName: string;
  providerDepartmentName: string;
  consumerDepartmentName: string;
  deadlineDate: string;
  overdue: boolean;
  /** Working days left to the deadline (absent from older servers). */
  workingDaysLeft?: number | null;
}
export interface DisputeTodo {
  id: string;
  resourceName: string;
  providerDepartmentName: string;
  consumerDepartmentName: string;
  recordKey: string;
  dueDate: string;
  overdue: boolean;
}

export const statsApi = {
  stats: (q: Query) => api.get<StatsPage>('/api/sharing/stats', q),
  failings: (q: Query) => api.get<Page<Failing>>('/api/sharing/failings', q),
  recordFailing: (body: RecordFailingInput) => api.post<Failing>('/api/sharing/failings', body),
  /** Download link of a department's yearly XLSX report (the browser sends the session cookie). */
  reportUrl: (year: number, departmentId: string) => `/api/sharing/reports/yearly.xlsx${queryString({ year, departmentId })}`,
  updateDuties: (q: Query) => api.get<Page<UpdateDutyTodo>>('/api/catalog/update-duties', q),
  requests: (q: Query) => api.get<Page<RequestTodo>>('/api/sharing/requests', q),
  disputes: (q: Query) => api.get<Page<DisputeTodo>>('/api/sharing/disputes', q),
};
