import { Tag } from 'antd';
import { useEffect, useState } from 'react';
import type { MessageKey, TFunction } from '../../i18n';
import { useT } from '../../i18n';
import { catalogApi, type Classification, type OpenType, type ShareType } from './api';

/** Labels, tags and option lists of the catalog's coded values. */

export const label = (t: TFunction, group: string, value: string) => t(`catalog.${group}.${value}` as MessageKey);
export const options = (t: TFunction, group: string, values: readonly string[]) => values.map((v) => ({ value: v, label: label(t, group, v) }));

const STATUS_COLOR: Record<string, string> = { draft: 'default', submitted: 'processing', returned: 'warning', published: 'success', withdrawn: 'error', superseded: 'default' };
const SHARE_COLOR: Record<ShareType, string> = { unconditional: 'green', conditional: 'gold', none: 'red' };
const OPEN_COLOR: Record<OpenType, string> = { open: 'blue', conditional: 'cyan', closed: 'default' };

export function StatusTag({ status, testId }: { status: string; testId?: string }) {
  const t = useT();
  return (
    <Tag color={STATUS_COLOR[status] ?? 'default'} data-testid={testId} data-status={status}>
      {label(t, 'status', status)}
    </Tag>
  );
}

export function ShareTag({ type }: { type: ShareType }) {
  const t = useT();
  return <Tag color={SHARE_COLOR[type]}>{label(t, 'shareType', type)}</Tag>;
}

export function OpenTag({ type }: { type: OpenType }) {
  const t = useT();
  return <Tag color={OPEN_COLOR[type]}>{label(t, 'openType', type)}</Tag>;
}

/** The classification list (类-项-目-细目), fetched once per page load. */
let classificationsPromise: Promise<Classification[]> | null = null;
export function useClassifications(): Classification[] | undefined {
  const [items, setItems] = useState<Classification[]>();
  useEffect(() => {
    let live = true;
    classificationsPromise ??= catalogApi.classifications().then(
      (r) => r.items,
      (e: unknown) => {
        classificationsPromise = null;
        throw e;
      },
    );
    classificationsPromise.then((v) => live && setItems(v)).catch(() => undefined);
    return () => {
      live = false;
    };
  }, []);
  return items;
}

/** Flat options "207 信用体系", indented by level, for a searchable Select. */
export function classificationOptions(items: Classification[] | undefined) {
  const depth: Record<string, number> = { class: 0, item: 1, catalog: 2, detail: 3 };
  return (items ?? []).map((c) => ({
    value: c.code,
    label: `${c.code} ${c.name}`,
    title: `${c.code} ${c.name}`,
    style: { paddingLeft: 12 + depth[c.level] * 16 },
  }));
}
