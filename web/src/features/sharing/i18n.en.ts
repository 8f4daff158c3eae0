import type { sharingZh } from './i18n.zh';

/** English strings of the sharing feature; the type requires every key of i18n.zh.ts. */
export const sharingEn: Record<keyof typeof sharingZh, string> = {
  'nav.sharing': 'Sharing',
};
