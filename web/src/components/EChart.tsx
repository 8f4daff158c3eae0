import { useEffect, useRef, type CSSProperties } from 'react';
import * as echarts from 'echarts/core';
import { BarChart, LineChart, PieChart } from 'echarts/charts';
import { DatasetComponent, GridComponent, LegendComponent, TitleComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import type { EChartsCoreOption } from 'echarts/core';

// Only what the console draws is bundled; a page needing another chart type registers it here.
echarts.use([BarChart, LineChart, PieChart, DatasetComponent, GridComponent, LegendComponent, TitleComponent, TooltipComponent, CanvasRenderer]);

export type { EChartsCoreOption as EChartOption };

interface Props {
  /** The ECharts option; replaced as a whole (notMerge) whenever it changes. */
  option: EChartsCoreOption;
  height?: number;
  /** data-testid of the chart's box. */
  testId?: string;
  style?: CSSProperties;
  /** Shown instead of the chart (e.g. "no data"). */
  empty?: React.ReactNode;
}

/**
 * An ECharts chart in a div: created on mount, disposed on unmount, resized with its box. Pass
 * a memoised option; the chart redraws when it changes.
 */
export function EChart({ option, height = 300, testId, style, empty }: Props) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);

  useEffect(() => {
    if (!box.current) return;
    const c = echarts.init(box.current, undefined, { renderer: 'canvas' });
    chart.current = c;
    const observer = new ResizeObserver(() => c.resize());
    observer.observe(box.current);
    return () => {
      observer.disconnect();
      c.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption(option, { notMerge: true });
  }, [option]);

  return (
    <div style={{ position: 'relative', width: '100%', height, ...style }} data-testid={testId}>
      <div ref={box} style={{ width: '100%', height: '100%', visibility: empty ? 'hidden' : 'visible' }} />
      {empty && <div style={{ position: 'absolute', inset: 0, display: 'flex', alignItems: 'center', justifyContent: 'center', color: 'rgba(0,0,0,0.45)' }}>{empty}</div>}
    </div>
  );
}
