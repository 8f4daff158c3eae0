import { api } from './client';
import type { LoginResult, Me, SessionInfo } from './types';

export const authApi = {
  login: (username: string, password: string) => api.post<LoginResult>('/api/auth/login', { username, password }),
  me: () => api.get<Me>('/api/auth/me'),
  logout: () => api.post<void>('/api/auth/logout'),
  changePassword: (currentPassword: string, newPassword: string) =>
    api.post<void>('/api/auth/password', { currentPassword, newPassword }),
  sessions: () => api.get<{ items: SessionInfo[] }>('/api/auth/sessions'),
  revokeSession: (id: string) => api.del<void>(`/api/auth/sessions/${encodeURIComponent(id)}`),
};
