import type { NavItem } from '../../nav';

/** The sharing feature's menu entries, in menu order (spread into NAV). */
export const sharingNav: NavItem[] = [];
