import type { catalogZh } from './i18n.zh';

/** English strings of the catalog feature; the type requires every key of i18n.zh.ts. */
export const catalogEn: Record<keyof typeof catalogZh, string> = {
  'nav.catalog': 'Catalog',
};
