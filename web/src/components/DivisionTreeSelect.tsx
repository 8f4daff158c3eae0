import { TreeSelect } from 'antd';
import { useMemo } from 'react';
import type { DivisionNode } from '../api/types';
import { useDivisionTree } from '../hooks/useReference';
import { useT } from '../i18n';

interface TreeOption {
  value: string;
  title: string;
  label: string;
  children: TreeOption[];
}

const toOptions = (nodes: DivisionNode[]): TreeOption[] =>
  nodes.map((n) => ({ value: n.code, title: `${n.name}（${n.code}）`, label: n.name, children: toOptions(n.children ?? []) }));

export function findDivision(nodes: DivisionNode[] | undefined, code: string): DivisionNode | undefined {
  for (const n of nodes ?? []) {
    if (n.code === code) return n;
    const hit = findDivision(n.children, code);
    if (hit) return hit;
  }
  return undefined;
}

interface Props {
  value?: string;
  onChange?: (v: string | undefined) => void;
  testId?: string;
  allowClear?: boolean;
  placeholder?: string;
  style?: React.CSSProperties;
  /** Use this tree instead of the shared cached one. */
  tree?: DivisionNode[];
}

/** Administrative division picker (行政区划) over GET /api/divisions/tree. */
export function DivisionTreeSelect({ value, onChange, testId, allowClear, placeholder, style, tree }: Props) {
  const t = useT();
  const cached = useDivisionTree();
  const nodes = tree ?? cached;
  const treeData = useMemo(() => toOptions(nodes ?? []), [nodes]);
  return (
    <TreeSelect
      value={value}
      onChange={(v) => onChange?.(v ?? undefined)}
      treeData={treeData}
      showSearch={{ treeNodeFilterProp: 'title' }}
      treeNodeLabelProp="label"
      treeDefaultExpandAll={treeData.length < 50}
      allowClear={allowClear}
      placeholder={placeholder ?? t('dept.divisionRequired')}
      loading={!nodes}
      data-testid={testId}
      style={{ width: '100%', ...style }}
    />
  );
}
