import { Button, Card, Col, Row, Space, Statistic, Table, Typography, type TableColumnsType } from 'antd';
import { ArrowUpOutlined } from '@ant-design/icons';
import { useMemo, useState } from 'react';
import { useAuth } from '../../auth/AuthContext';
import { DivisionTreeSelect } from '../../components/DivisionTreeSelect';
import { EChart, type EChartOption } from '../../components/EChart';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useRequest } from '../../hooks/useRequest';
import { useI18n } from '../../i18n';
import { rowProps } from '../../utils/testid';
import { catalogApi, OPEN_TYPES, SHARE_TYPES, type Totals } from './api';
import { label } from './labels';

type Row = Totals & { key: string; name: string; code?: string; kind: 'division' | 'department' };

/**
 * The aggregated catalog of one division (R-CAT-4): its own departments and each child division
 * rolled up (county → city → province), by share and open type and by resource class.
 */
export function AggregateView() {
  const { t } = useI18n();
  const { me } = useAuth();
  const [division, setDivision] = useState<string | undefined>(me?.divisionCode);
  const view = useRequest(() => catalogApi.aggregate(division), [division]);
  const data = view.data;

  const rows: Row[] = useMemo(
    () => [
      ...(data?.departments ?? []).map((d) => ({ ...d, key: `d:${d.id}`, kind: 'department' as const })),
      ...(data?.children ?? []).map((c) => ({ ...c, key: `v:${c.code}`, kind: 'division' as const })),
    ],
    [data],
  );

  const shareChart = useMemo<EChartOption>(() => {
    const units = rows.filter((r) => r.resources > 0);
    return {
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 8, right: 16, bottom: 8, top: 36, containLabel: true },
      xAxis: { type: 'category', data: units.map((r) => r.name), axisLabel: { interval: 0, rotate: units.length > 6 ? 30 : 0 } },
      yAxis: { type: 'value', minInterval: 1 },
      series: SHARE_TYPES.map((s) => ({ type: 'bar', stack: 'share', name: label(t, 'shareType', s), data: units.map((r) => r.byShareType[s]) })),
    };
  }, [rows, t]);

  const classChart = useMemo<EChartOption>(
    () => ({
      tooltip: { trigger: 'item' },
      legend: { bottom: 0 },
      series: [{ type: 'pie', radius: ['40%', '68%'], data: (data?.classifications ?? []).map((c) => ({ name: c.name, value: c.count })) }],
    }),
    [data],
  );

  const columns: TableColumnsType<Row> = [
    {
      title: t('catalog.agg.division'),
      dataIndex: 'name',
      render: (v: string, r) =>
        r.kind === 'division' ? (
          <Button type="link" size="small" style={{ padding: 0 }} onClick={() => setDivision(r.code)} data-testid={`catalog-agg-drill-${r.code}`}>
            {v}
          </Button>
        ) : (
          v
        ),
    },
    { title: t('catalog.agg.resources'), dataIndex: 'resources', width: 90, align: 'right' },
    ...SHARE_TYPES.map((s) => ({ title: label(t, 'shareType', s), key: `s-${s}`, width: 110, align: 'right' as const, render: (_v: unknown, r: Row) => r.byShareType[s] })),
    ...OPEN_TYPES.map((o) => ({ title: label(t, 'openType', o), key: `o-${o}`, width: 110, align: 'right' as const, render: (_v: unknown, r: Row) => r.byOpenType[o] })),
  ];

  return (
    <div data-testid="catalog-aggregate">
      <Card style={{ marginBottom: 16 }}>
        <Space wrap>
          <span>{t('catalog.agg.division')}</span>
          <DivisionTreeSelect value={division} onChange={(v) => v && setDivision(v)} style={{ width: 240 }} testId="catalog-agg-division" />
          {data?.division.parentCode && (
            <Button icon={<ArrowUpOutlined />} onClick={() => setDivision(data.division.parentCode!)} data-testid="catalog-agg-up">
              {t('catalog.agg.up')}
            </Button>
          )}
        </Space>
        <Typography.Paragraph type="secondary" style={{ margin: '8px 0 0' }}>
          {t('catalog.agg.note')}
        </Typography.Paragraph>
      </Card>
      {view.error && <ErrorAlert error={view.error} onRetry={view.reload} />}
      <Row gutter={16}>
        <Col xs={12} md={6}>
          <Card>
            <Statistic title={`${data?.division.name ?? ''} ${t('catalog.agg.total')}`} value={data?.total.resources ?? 0} loading={view.loading} data-testid="catalog-agg-total" />
          </Card>
        </Col>
        {SHARE_TYPES.map((s) => (
          <Col xs={12} md={6} key={s}>
            <Card>
              <Statistic title={label(t, 'shareType', s)} value={data?.total.byShareType[s] ?? 0} loading={view.loading} />
            </Card>
          </Col>
        ))}
      </Row>
      <Row gutter={16} style={{ marginTop: 16 }}>
        <Col xs={24} lg={16}>
          <Card title={t('catalog.agg.shareChart')} size="small">
            <EChart option={shareChart} height={300} testId="catalog-agg-share-chart" empty={rows.every((r) => r.resources === 0) ? t('catalog.browse.treeEmpty') : undefined} />
          </Card>
        </Col>
        <Col xs={24} lg={8}>
          <Card title={t('catalog.agg.classifications')} size="small">
            <EChart option={classChart} height={300} testId="catalog-agg-class-chart" empty={(data?.total.resources ?? 0) === 0 ? t('catalog.browse.treeEmpty') : undefined} />
          </Card>
        </Col>
      </Row>
      <Card title={t('catalog.agg.departments')} size="small" style={{ marginTop: 16 }}>
        <Table<Row>
          rowKey="key"
          size="small"
          loading={view.loading}
          columns={columns}
          dataSource={rows.filter((r) => r.kind === 'department')}
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          onRow={(r) => rowProps(`catalog-agg-row-${r.key}`)}
          data-testid="catalog-agg-departments"
        />
      </Card>
      <Card title={t('catalog.agg.children')} size="small" style={{ marginTop: 16 }}>
        <Table<Row>
          rowKey="key"
          size="small"
          loading={view.loading}
          columns={columns}
          dataSource={rows.filter((r) => r.kind === 'division')}
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          onRow={(r) => rowProps(`catalog-agg-row-${r.key}`)}
          data-testid="catalog-agg-children"
        />
      </Card>
    </div>
  );
}
