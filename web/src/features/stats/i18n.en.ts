import type { statsZh } from './i18n.zh';

/** English strings of the stats feature; the type requires every key of i18n.zh.ts. */
export const statsEn: Record<keyof typeof statsZh, string> = {
  'nav.stats': 'Statistics',
};
