import { api, type Page, type Query } from './client';
import type { Client, Department, DepartmentKind, DivisionNode, RoleGrant, RoleInfo, User } from './types';

const id = (v: string) => encodeURIComponent(v);

export interface DepartmentInput {
  name: string;
  shortName?: string;
  uscc: string;
  legacyCode?: boolean;
  divisionCode: string;
  parentId?: string;
  kind: string;
}

export interface DepartmentPatch {
  name?: string;
  shortName?: string;
  kind?: string;
  enabled?: boolean;
  uscc?: string;
  legacyCode?: boolean;
}

export interface UserInput {
  username: string;
  displayName: string;
  departmentId: string;
  email?: string;
  phone?: string;
  initialPassword: string;
  roles: RoleGrant[];
}

export interface UserPatch {
  displayName?: string;
  email?: string;
  phone?: string;
  enabled?: boolean;
}

export interface ClientInput {
  clientId: string;
  name: string;
  kind: 'system' | 'agent';
  departmentId: string;
  publicKey: string;
  roles: RoleGrant[];
}

export const orgApi = {
  divisionTree: () => api.get<{ items: DivisionNode[] }>('/api/divisions/tree'),
  createDivision: (body: { code: string; name: string; parentCode?: string }) => api.post<DivisionNode>('/api/divisions', body),
  renameDivision: (code: string, name: string) => api.patch<DivisionNode>(`/api/divisions/${id(code)}`, { name }),

  departments: (q: Query) => api.get<Page<Department>>('/api/departments', q),
  department: (depId: string) => api.get<Department>(`/api/departments/${id(depId)}`),
  createDepartment: (body: DepartmentInput) => api.post<Department>('/api/departments', body),
  updateDepartment: (depId: string, body: DepartmentPatch) => api.patch<Department>(`/api/departments/${id(depId)}`, body),
  departmentKinds: () => api.get<{ items: DepartmentKind[] }>('/api/department-kinds'),

  users: (q: Query) => api.get<Page<User>>('/api/users', q),
  createUser: (body: UserInput) => api.post<User>('/api/users', body),
  updateUser: (userId: string, body: UserPatch) => api.patch<User>(`/api/users/${id(userId)}`, body),
  setUserRoles: (userId: string, roles: RoleGrant[]) => api.put<User>(`/api/users/${id(userId)}/roles`, { roles }),
  resetPassword: (userId: string, temporaryPassword: string) =>
    api.post<void>(`/api/users/${id(userId)}/reset-password`, { temporaryPassword }),
  unlockUser: (userId: string) => api.post<void>(`/api/users/${id(userId)}/unlock`),
  roles: () => api.get<{ items: RoleInfo[] }>('/api/roles'),

  clients: (q: Query) => api.get<Page<Client>>('/api/clients', q),
  createClient: (body: ClientInput) => api.post<Client>('/api/clients', body),
  revokeClient: (clientId: string) => api.post<void>(`/api/clients/${id(clientId)}/revoke`),
};
