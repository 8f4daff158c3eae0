import { AuditOutlined, DatabaseOutlined, FolderOpenOutlined, ScheduleOutlined } from '@ant-design/icons';
import type { NavItem } from '../../nav';

/** The catalog feature's menu entries, in menu order (spread into NAV). */
export const catalogNav: NavItem[] = [
  { key: 'catalog', path: '/catalog', label: 'catalog.nav.browse', icon: <DatabaseOutlined />, permission: 'catalog.read', group: 'catalog', testId: 'nav-catalog' },
  { key: 'catalog-mine', path: '/catalog/mine', label: 'catalog.nav.mine', icon: <FolderOpenOutlined />, permission: 'catalog.manage', group: 'catalog', testId: 'nav-catalog-mine' },
  { key: 'catalog-review', path: '/catalog/review', label: 'catalog.nav.review', icon: <AuditOutlined />, permission: 'catalog.review', group: 'catalog', testId: 'nav-catalog-review' },
  { key: 'catalog-duties', path: '/catalog/duties', label: 'catalog.nav.duties', icon: <ScheduleOutlined />, permission: 'catalog.read', group: 'catalog', testId: 'nav-catalog-duties' },
];
