import type { NavItem } from '../../nav';

/** The stats feature's menu entries, in menu order (spread into NAV). */
export const statsNav: NavItem[] = [];
