import { AlertOutlined, FileProtectOutlined, IssuesCloseOutlined, SendOutlined, UnorderedListOutlined } from '@ant-design/icons';
import type { NavItem } from '../../nav';

/** Every sharing permission: a menu entry shows to holders of any. */
const ALL = ['sharing.request', 'sharing.decide', 'sharing.arbitrate'];

/** The sharing feature's menu entries, in menu order (spread into NAV). */
export const sharingNav: NavItem[] = [
  { key: 'sharing-requests', path: '/sharing/requests', label: 'sharing.nav.requests', icon: <SendOutlined />, anyOf: ALL, group: 'sharing', testId: 'nav-sharing-requests' },
  { key: 'sharing-grants', path: '/sharing/grants', label: 'sharing.nav.grants', icon: <FileProtectOutlined />, anyOf: ALL, group: 'sharing', testId: 'nav-sharing-grants' },
  { key: 'sharing-disputes', path: '/sharing/disputes', label: 'sharing.nav.disputes', icon: <IssuesCloseOutlined />, anyOf: ALL, group: 'sharing', testId: 'nav-sharing-disputes' },
  { key: 'sharing-escalations', path: '/sharing/escalations', label: 'sharing.nav.escalations', icon: <AlertOutlined />, anyOf: ALL, group: 'sharing', testId: 'nav-sharing-escalations' },
  { key: 'sharing-duties', path: '/sharing/duties', label: 'sharing.nav.duties', icon: <UnorderedListOutlined />, anyOf: ALL, group: 'sharing', testId: 'nav-sharing-duties' },
];

