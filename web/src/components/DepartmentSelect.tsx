import { Select, Spin } from 'antd';
import { useEffect, useMemo, useRef, useState } from 'react';
import { orgApi } from '../api/org';
import type { Department } from '../api/types';
import { useT } from '../i18n';

interface Option {
  value: string;
  label: string;
}

interface Props {
  value?: string;
  onChange?: (v: string | undefined) => void;
  /** A label for the current value, shown before the first search answers. */
  initialOption?: Option;
  testId?: string;
  allowClear?: boolean;
  placeholder?: string;
  excludeId?: string;
  style?: React.CSSProperties;
}

/** Searchable department picker backed by GET /api/departments?q=. */
export function DepartmentSelect({ value, onChange, initialOption, testId, allowClear, placeholder, excludeId, style }: Props) {
  const t = useT();
  const [query, setQuery] = useState('');
  const [items, setItems] = useState<Department[]>([]);
  const [loading, setLoading] = useState(false);
  const [seen, setSeen] = useState<Record<string, string>>({});
  const seq = useRef(0);

  useEffect(() => {
    const mine = ++seq.current;
    setLoading(true);
    const timer = setTimeout(() => {
      orgApi
        .departments({ q: query.trim() || undefined, page: 1, pageSize: 50 })
        .then((p) => {
          if (mine !== seq.current) return;
          setItems(p.items);
          setSeen((old) => ({ ...old, ...Object.fromEntries(p.items.map((d) => [d.id, d.name])) }));
        })
        .catch(() => mine === seq.current && setItems([]))
        .finally(() => mine === seq.current && setLoading(false));
    }, 250);
    return () => clearTimeout(timer);
  }, [query]);

  const options = useMemo(() => {
    const list = items
      .filter((d) => d.id !== excludeId)
      .map((d) => ({
        value: d.id,
        label: d.name,
        title: `${d.name}（${d.divisionName}）`,
        'data-testid': 'department-option',
      }));
    if (value && !list.some((o) => o.value === value)) {
      const label = seen[value] ?? (initialOption?.value === value ? initialOption.label : undefined);
      if (label) list.unshift({ value, label, title: label, 'data-testid': 'department-option' });
    }
    return list;
  }, [items, initialOption, excludeId, value, seen]);

  return (
    <Select
      showSearch={{ filterOption: false, onSearch: setQuery }}
      value={value}
      onChange={(v) => onChange?.(v ?? undefined)}
      onOpenChange={(open) => !open && setQuery('')}
      options={options}
      allowClear={allowClear}
      placeholder={placeholder ?? t('dept.selectPlaceholder')}
      notFoundContent={loading ? <Spin size="small" /> : undefined}
      data-testid={testId}
      style={style}
    />
  );
}
