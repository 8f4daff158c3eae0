/** stats 功能的界面文案（键名以 'stats.' 开头）。 */
export const statsZh = {
  'nav.stats': '统计分析',
} as const;
