/** catalog 功能的界面文案（键名以 'catalog.' 开头）。 */
export const catalogZh = {
  'nav.catalog': '资源目录',
} as const;
