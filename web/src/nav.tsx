import type { ReactNode } from 'react';
import {
  ApartmentOutlined,
  AuditOutlined,
  CalendarOutlined,
  ClusterOutlined,
  DashboardOutlined,
  ApiOutlined,
  TeamOutlined,
  UserOutlined,
} from '@ant-design/icons';
import type { MessageKey } from './i18n';
import { catalogNav } from './features/catalog/nav';
import { sharingNav } from './features/sharing/nav';
import { statsNav } from './features/stats/nav';
import { exchangeNav } from './features/exchange/nav';

export type NavGroup = 'catalog' | 'sharing' | 'exchange' | 'org' | 'system';

export interface NavItem {
  key: string;
  path: string;
  label: MessageKey;
  icon: ReactNode;
  /** Shown only to users holding this permission (at any scope). */
  permission?: string;
  /** Shown only to users holding at least one of these permissions. */
  anyOf?: string[];
  group?: NavGroup;
  testId: string;
}

/** Every page of the console, in menu order. Only pages listed here appear in the navigation. */
export const NAV: NavItem[] = [
  { key: 'home', path: '/', label: 'nav.home', icon: <DashboardOutlined />, testId: 'nav-home' },
  ...catalogNav,
  ...sharingNav,
  ...statsNav,
  ...exchangeNav,
  { key: 'divisions', path: '/org/divisions', label: 'nav.divisions', icon: <ClusterOutlined />, permission: 'org.division.read', group: 'org', testId: 'nav-divisions' },
  { key: 'departments', path: '/org/departments', label: 'nav.departments', icon: <ApartmentOutlined />, permission: 'org.department.read', group: 'org', testId: 'nav-departments' },
  { key: 'users', path: '/org/users', label: 'nav.users', icon: <TeamOutlined />, permission: 'org.user.read', group: 'org', testId: 'nav-users' },
  { key: 'clients', path: '/org/clients', label: 'nav.clients', icon: <ApiOutlined />, permission: 'org.client.read', group: 'org', testId: 'nav-clients' },
  { key: 'audit', path: '/audit', label: 'nav.audit', icon: <AuditOutlined />, permission: 'audit.read', group: 'system', testId: 'nav-audit' },
  { key: 'calendar', path: '/calendar', label: 'nav.calendar', icon: <CalendarOutlined />, group: 'system', testId: 'nav-calendar' },
  { key: 'profile', path: '/profile', label: 'nav.profile', icon: <UserOutlined />, testId: 'nav-profile' },
];

export const GROUP_LABEL: Record<NavGroup, MessageKey> = { catalog: 'nav.catalog', sharing: 'nav.sharing', exchange: 'nav.exchange', org: 'nav.org', system: 'nav.system' };

/** The nav item a location belongs to (longest matching path). */
export function navFor(pathname: string): NavItem | undefined {
  if (pathname === '/') return NAV[0];
  return NAV.filter((n) => n.path !== '/' && (pathname === n.path || pathname.startsWith(`${n.path}/`))).sort(
    (a, b) => b.path.length - a.path.length,
  )[0];
}
