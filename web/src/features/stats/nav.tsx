import { BarChartOutlined } from '@ant-design/icons';
import type { NavItem } from '../../nav';

/** The stats feature's menu entries, in menu order (spread into NAV). */
export const statsNav: NavItem[] = [
  { key: 'stats', path: '/stats', label: 'nav.stats', icon: <BarChartOutlined />, permission: 'catalog.read', group: 'sharing', testId: 'nav-stats' },
];
