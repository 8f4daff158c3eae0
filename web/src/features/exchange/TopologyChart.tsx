import { use } from 'echarts/core';
import { GraphChart } from 'echarts/charts';
import { useMemo } from 'react';
import { EChart, type EChartOption } from '../../components/EChart';
import { useI18n, type MessageKey } from '../../i18n';
import { HEALTHS, type Topology } from './api';
import { HEALTH_COLOR } from './components';

// The graph is drawn only here; registering it with the shared echarts core keeps it out of the other pages' chunks.
use([GraphChart]);

/**
 * Sources on the left, targets on the right, nodes that are both in the middle: most exchange
 * networks are a few providers fanning out to consumers, which reads best left to right. Past 40
 * nodes the force layout takes over.
 */
function layered(data: Topology): Map<string, { x: number; y: number }> | null {
  if (data.nodes.length > 40) return null;
  const out = new Set(data.edges.map((e) => e.source));
  const into = new Set(data.edges.map((e) => e.target));
  const columns: string[][] = [[], [], []];
  for (const n of data.nodes) columns[out.has(n.id) && !into.has(n.id) ? 0 : into.has(n.id) && !out.has(n.id) ? 2 : 1].push(n.id);
  const tallest = Math.max(...columns.map((c) => c.length));
  const pos = new Map<string, { x: number; y: number }>();
  columns.forEach((ids, col) => ids.forEach((id, i) => pos.set(id, { x: col * 300, y: (i + (tallest - ids.length) / 2) * 110 })));
  return pos;
}

/**
 * Two invisible points at opposite corners: ECharts fits the nodes' bounding box to the chart, and
 * a box of no height (one node per column) would stretch the symbols.
 */
function anchors(pos: Map<string, { x: number; y: number }> | null) {
  if (!pos) return [];
  const ys = [...pos.values()].map((p) => p.y);
  const hidden = { symbolSize: 0, label: { show: false }, itemStyle: { opacity: 0 }, tooltip: { show: false }, silent: true };
  return [
    { id: '__anchor_top', name: '', x: 0, y: Math.min(...ys) - 110, ...hidden },
    { id: '__anchor_bottom', name: '', x: 600, y: Math.max(...ys) + 110, ...hidden },
  ];
}

/** Nodes coloured by health, an arrow per task route from source to target, thicker the more rows it carried in 24 h. */
export function TopologyChart({ data, height = 420 }: { data: Topology; height?: number }) {
  const { t } = useI18n();
  const option = useMemo<EChartOption>(() => {
    const pos = layered(data);
    const maxRows = Math.max(1, ...data.edges.map((e) => e.rows24h));
    const width = (rows: number) => 1 + (7 * Math.log1p(rows)) / Math.log1p(maxRows);
    const categories = HEALTHS.map((h) => ({ name: t(`exchange.health.${h}` as MessageKey), itemStyle: { color: HEALTH_COLOR[h] } }));
    return {
      tooltip: {
        formatter: (p: { dataType: string; data: { tip?: string } }) => p.data.tip ?? '',
      },
      legend: { data: categories.map((c) => c.name), top: 0 },
      series: [
        {
          type: 'graph',
          layout: pos ? 'none' : 'force',
          force: { repulsion: 420, edgeLength: [140, 220] },
          roam: true,
          nodeScaleRatio: 0,
          preserveAspect: true,
          draggable: true,
          top: 70,
          bottom: 50,
          left: 140,
          right: 140,
          categories,
          label: { show: true, position: 'bottom', formatter: '{b}' },
          edgeSymbol: ['none', 'arrow'],
          edgeSymbolSize: 10,
          edgeLabel: { show: data.edges.length <= 12, formatter: (p: { data: { taskName: string } }) => p.data.taskName, fontSize: 11, color: '#595959' },
          lineStyle: { curveness: 0.1, opacity: 0.8 },
          emphasis: { focus: 'adjacency', lineStyle: { width: 8 } },
          data: [
            ...anchors(pos),
            ...data.nodes.map((n) => ({
            id: n.id,
            ...(pos ? pos.get(n.id) : {}),
            name: n.name,
            category: HEALTHS.indexOf(n.health),
            symbolSize: 36 + Math.min(24, n.queueDepth),
            tip: `${n.name}（${n.code}）<br/>${n.departmentName}<br/>${t(`exchange.health.${n.health}` as MessageKey)} · ${t('exchange.node.queueDepth')} ${n.queueDepth} · ${t('exchange.node.lag')} ${n.lagSeconds}s`,
            })),
          ],
          links: data.edges.map((e) => ({
            source: e.source,
            target: e.target,
            taskName: e.taskName,
            lineStyle: { width: width(e.rows24h), color: e.status === 'active' ? '#1e50a2' : e.status === 'paused' ? '#fa8c16' : '#f5222d', type: e.status === 'active' ? 'solid' : 'dashed' },
            tip: `${e.taskName}<br/>${t('exchange.monitor.rows24h')}: ${e.rows24h.toLocaleString()}`,
          })),
        },
      ],
    };
  }, [data, t]);

  return (
    <div data-testid="topology" data-node-codes={data.nodes.map((n) => n.code).join(',')} data-edges={String(data.edges.length)}>
      <EChart option={option} height={height} testId="topology-chart" empty={data.nodes.length === 0 ? t('exchange.monitor.topologyEmpty') : undefined} />
    </div>
  );
}
