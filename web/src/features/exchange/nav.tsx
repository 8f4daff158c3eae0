import { DeploymentUnitOutlined, ExclamationCircleOutlined, NodeIndexOutlined, NotificationOutlined, SyncOutlined } from '@ant-design/icons';
import type { NavItem } from '../../nav';

/** The exchange feature's menu entries, in menu order (spread into NAV). */
export const exchangeNav: NavItem[] = [
  { key: 'exchange-monitor', path: '/exchange/monitor', label: 'exchange.nav.monitor', icon: <DeploymentUnitOutlined />, permission: 'exchange.read', group: 'exchange', testId: 'nav-exchange-monitor' },
  { key: 'exchange-nodes', path: '/exchange/nodes', label: 'exchange.nav.nodes', icon: <NodeIndexOutlined />, permission: 'exchange.read', group: 'exchange', testId: 'nav-exchange-nodes' },
  { key: 'exchange-tasks', path: '/exchange/tasks', label: 'exchange.nav.tasks', icon: <SyncOutlined />, permission: 'exchange.read', group: 'exchange', testId: 'nav-exchange-tasks' },
  { key: 'exchange-topics', path: '/exchange/topics', label: 'exchange.nav.topics', icon: <NotificationOutlined />, permission: 'exchange.read', group: 'exchange', testId: 'nav-exchange-topics' },
  { key: 'exchange-failures', path: '/exchange/failures', label: 'exchange.nav.failures', icon: <ExclamationCircleOutlined />, permission: 'exchange.read', group: 'exchange', testId: 'nav-exchange-failures' },
];
