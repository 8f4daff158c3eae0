import type { NavItem } from '../../nav';

/** The catalog feature's menu entries, in menu order (spread into NAV). */
export const catalogNav: NavItem[] = [];
