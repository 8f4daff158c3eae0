import type { FormInstance } from 'antd';
import { isApiError, type ApiError } from '../api/client';
import type { Lang } from '../i18n';

/** `/body/roles/0/scope` → ['roles', 0, 'scope']; `/query/from` → ['from']. */
export function fieldPath(pointer: string): (string | number)[] {
  const parts = pointer
    .replace(/^\//, '')
    .split(/[/.]/)
    .filter(Boolean)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (parts[0] === 'body' || parts[0] === 'query' || parts[0] === 'params') parts.shift();
  return parts.map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

export function problemText(e: unknown, lang: Lang): string {
  if (isApiError(e)) return e.text(lang);
  return String((e as Error)?.message ?? e);
}

/**
 * Puts the server's field errors on the form's fields. Returns the field errors that match no
 * field of the form (the caller shows them with the main message).
 */
export function applyFieldErrors(form: FormInstance, err: ApiError, lang: Lang, known: string[]): string[] {
  const leftover: string[] = [];
  const byField = new Map<string, { name: (string | number)[]; errors: string[] }>();
  for (const f of err.fields) {
    const name = fieldPath(f.field);
    const text = lang === 'zh' ? (f.messageZh ?? f.message) : f.message;
    if (name.length === 0 || !known.includes(String(name[0]))) {
      leftover.push(name.length ? `${name.join('.')}: ${text}` : text);
      continue;
    }
    const key = name.join('.');
    const entry = byField.get(key) ?? { name, errors: [] };
    entry.errors.push(text);
    byField.set(key, entry);
  }
  form.setFields([...byField.values()]);
  return leftover;
}
