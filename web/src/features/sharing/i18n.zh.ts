/** sharing 功能的界面文案（键名以 'sharing.' 开头）。 */
export const sharingZh = {
  'nav.sharing': '共享管理',
} as const;
