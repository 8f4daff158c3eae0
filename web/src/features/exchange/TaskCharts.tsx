import { Card, Col, Row } from 'antd';
import dayjs from 'dayjs';
import { useMemo } from 'react';
import { EChart, type EChartOption } from '../../components/EChart';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useRequest } from '../../hooks/useRequest';
import { useI18n } from '../../i18n';
import { exchangeApi } from './api';

/** Throughput (rows and batches applied, failures) and lag of one task over the last 24 hours. */
export function TaskCharts({ taskId, refresh }: { taskId: string; refresh: number }) {
  const { t } = useI18n();
  const series = useRequest(() => exchangeApi.series(taskId, 24), [taskId, refresh]);
  const points = useMemo(() => series.data?.points ?? [], [series.data]);
  // A time axis over the whole window, so that hours with nothing applied show as gaps.
  const axis = useMemo(() => ({ type: 'time' as const, min: dayjs().subtract(24, 'hour').valueOf(), max: dayjs().valueOf(), axisLabel: { formatter: (v: number) => dayjs(v).format('HH:mm') } }), [series.data]);
  const at = (p: { at: string }) => dayjs(p.at).valueOf();

  const throughput = useMemo<EChartOption>(
    () => ({
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 56, right: 48, top: 36, bottom: 28 },
      xAxis: axis,
      yAxis: [
        { type: 'value', name: t('exchange.chart.rows'), minInterval: 1 },
        { type: 'value', name: t('exchange.chart.count'), minInterval: 1 },
      ],
      series: [
        { name: t('exchange.chart.appliedRows'), type: 'bar', barMaxWidth: 18, data: points.map((p) => [at(p), p.appliedRows]), itemStyle: { color: '#1e50a2' } },
        { name: t('exchange.chart.appliedBatches'), type: 'line', yAxisIndex: 1, data: points.map((p) => [at(p), p.appliedBatches]), itemStyle: { color: '#52c41a' } },
        { name: t('exchange.chart.failures'), type: 'line', yAxisIndex: 1, data: points.map((p) => [at(p), p.failures]), itemStyle: { color: '#f5222d' }, symbol: 'diamond', symbolSize: 8 },
      ],
    }),
    [points, axis, t],
  );
  const lag = useMemo<EChartOption>(
    () => ({
      tooltip: { trigger: 'axis' },
      grid: { left: 56, right: 24, top: 36, bottom: 28 },
      xAxis: axis,
      yAxis: { type: 'value', name: t('exchange.chart.seconds') },
      series: [{ name: t('exchange.chart.lag'), type: 'line', smooth: true, connectNulls: true, areaStyle: { opacity: 0.15 }, data: points.filter((p) => p.lagSeconds !== null).map((p) => [at(p), p.lagSeconds]), itemStyle: { color: '#fa8c16' } }],
    }),
    [points, axis, t],
  );
  const empty = !series.loading && points.length === 0 ? t('exchange.chart.empty') : undefined;

  return (
    <Row gutter={16} style={{ marginBottom: 16 }}>
      {series.error && (
        <Col span={24}>
          <ErrorAlert error={series.error} onRetry={series.reload} />
        </Col>
      )}
      <Col xs={24} xl={14}>
        <Card title={t('exchange.chart.throughput')} size="small">
          <EChart option={throughput} height={260} testId="task-chart-throughput" empty={empty} />
        </Card>
      </Col>
      <Col xs={24} xl={10}>
        <Card title={t('exchange.chart.lagTitle')} size="small">
          <EChart option={lag} height={260} testId="task-chart-lag" empty={empty} />
        </Card>
      </Col>
    </Row>
  );
}
