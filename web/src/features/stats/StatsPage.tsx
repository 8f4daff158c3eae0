import { Button, Card, Col, DatePicker, Form, Row, Statistic, Tabs, Tag, Tooltip, Typography, type TableColumnsType } from 'antd';
import { DownloadOutlined, WarningOutlined } from '@ant-design/icons';
import dayjs, { type Dayjs } from 'dayjs';
import { useMemo, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import type { Query } from '../../api/client';
import { DepartmentSelect } from '../../components/DepartmentSelect';
import { DivisionTreeSelect } from '../../components/DivisionTreeSelect';
import { EChart, type EChartOption } from '../../components/EChart';
import { FilterCard } from '../../components/FilterCard';
import { PagedTable } from '../../components/PagedTable';
import { PageTitle } from '../../components/PageTitle';
import { usePaging } from '../../hooks/usePaging';
import { useRequest } from '../../hooks/useRequest';
import { useI18n, type MessageKey } from '../../i18n';
import { FAILING_KINDS, statsApi, type DepartmentStats, type FigureKey, type StatsPage as StatsAnswer } from './api';
import { FailingsTab } from './FailingsTab';

interface FilterValues {
  range?: [Dayjs | null, Dayjs | null] | null;
  divisionCode?: string;
  departmentId?: string;
}

type Row = DepartmentStats & { id: string };

const thisYear = (): [Dayjs, Dayjs] => [dayjs().startOf('year'), dayjs().endOf('year')];
const DAY = 'YYYY-MM-DD';

function toQuery(v: FilterValues): Query {
  const [from, to] = v.range ?? [];
  return { from: from?.format(DAY), to: to?.format(DAY), divisionCode: v.divisionCode || undefined, departmentId: v.departmentId || undefined };
}

function Kpis({ data }: { data: StatsAnswer }) {
  const { t } = useI18n();
  const s = data.totals;
  const answered = s.requestsAnsweredOnTime + s.requestsAnsweredLate;
  const cards: { key: string; title: MessageKey; value: number | string; suffix?: string; warn?: boolean }[] = [
    { key: 'catalogued', title: 'stats.kpi.catalogued', value: s.catalogued },
    { key: 'published', title: 'stats.kpi.published', value: s.published },
    { key: 'requests', title: 'stats.kpi.requestsReceived', value: s.requestsReceived },
    { key: 'onTime', title: 'stats.kpi.onTimeRate', value: answered ? ((100 * s.requestsAnsweredOnTime) / answered).toFixed(1) : '—', suffix: answered ? '%' : undefined },
    { key: 'overdue', title: 'stats.kpi.requestsOverdue', value: s.requestsOverdue, warn: s.requestsOverdue > 0 },
    { key: 'grants', title: 'stats.kpi.grantsGiven', value: s.grantsGiven },
    { key: 'disputes', title: 'stats.kpi.disputesReceived', value: s.disputesReceived },
    { key: 'flagged', title: 'stats.kpi.flagged', value: data.flaggedDepartments, suffix: t('stats.kpi.ofDepartments', { total: data.departments }), warn: data.flaggedDepartments > 0 },
  ];
  return (
    <Row gutter={[16, 16]} style={{ marginBottom: 16 }}>
      {cards.map((c) => (
        <Col key={c.key} xs={12} md={6} xl={3}>
          <Card size="small" data-testid={`stats-kpi-${c.key}`}>
            <Statistic title={t(c.title)} value={c.value} suffix={c.suffix} styles={{ content: c.warn ? { color: '#cf1322' } : undefined }} />
          </Card>
        </Col>
      ))}
    </Row>
  );
}

function Charts({ data, top }: { data: StatsAnswer; top: DepartmentStats[] | undefined }) {
  const { t } = useI18n();
  const requests = useMemo<EChartOption>(
    () => ({
      tooltip: { trigger: 'axis' },
      legend: { bottom: 0 },
      grid: { left: 40, right: 16, top: 16, bottom: 48 },
      xAxis: { type: 'category', data: data.months.map((m) => m.month) },
      yAxis: { type: 'value', minInterval: 1 },
      series: [
        { name: t('stats.series.onTime'), type: 'bar', stack: 'req', data: data.months.map((m) => m.requestsAnsweredOnTime), itemStyle: { color: '#52c41a' } },
        { name: t('stats.series.late'), type: 'bar', stack: 'req', data: data.months.map((m) => m.requestsAnsweredLate), itemStyle: { color: '#faad14' } },
        { name: t('stats.series.overdue'), type: 'bar', stack: 'req', data: data.months.map((m) => m.requestsOverdue), itemStyle: { color: '#f5222d' } },
      ],
    }),
    [data, t],
  );
  const catalog = useMemo<EChartOption>(() => {
    const rows = (top ?? []).filter((r) => r.catalogued + r.published > 0);
    return {
      tooltip: { trigger: 'axis' },
      legend: { bottom: 0 },
      grid: { left: 16, right: 24, top: 16, bottom: 48, containLabel: true },
      xAxis: { type: 'value', minInterval: 1 },
      yAxis: { type: 'category', inverse: true, data: rows.map((r) => r.departmentName), axisLabel: { width: 120, overflow: 'truncate' } },
      series: [
        { name: t('stats.series.catalogued'), type: 'bar', data: rows.map((r) => r.catalogued), itemStyle: { color: '#1e50a2' } },
        { name: t('stats.series.published'), type: 'bar', data: rows.map((r) => r.published), itemStyle: { color: '#13c2c2' } },
      ],
    };
  }, [top, t]);
  const failings = useMemo<EChartOption>(
    () => ({
      tooltip: { trigger: 'item', formatter: '{b}: {c} ({d}%)' },
      legend: { bottom: 0 },
      series: [
        {
          type: 'pie',
          radius: ['35%', '65%'],
          center: ['50%', '45%'],
          data: FAILING_KINDS.map((k) => ({ name: t(`stats.kind.${k}`), value: data.totals.failings[k] })).filter((d) => d.value > 0),
        },
      ],
    }),
    [data, t],
  );
  const empty = t('stats.chart.empty');
  const noRequests = data.months.every((m) => m.requestsAnsweredOnTime + m.requestsAnsweredLate + m.requestsOverdue === 0);
  const noCatalog = !(top ?? []).some((r) => r.catalogued + r.published > 0);
  return (
    <Row gutter={[16, 16]} style={{ marginBottom: 16 }}>
      <Col xs={24} xl={10}>
        <Card size="small" title={t('stats.chart.requests')}>
          <EChart option={requests} testId="stats-chart-requests" empty={noRequests ? empty : undefined} />
        </Card>
      </Col>
      <Col xs={24} md={12} xl={7}>
        <Card size="small" title={t('stats.chart.catalog')}>
          <EChart option={catalog} testId="stats-chart-catalog" empty={noCatalog ? empty : undefined} />
        </Card>
      </Col>
      <Col xs={24} md={12} xl={7}>
        <Card size="small" title={t('stats.chart.failings')}>
          <EChart option={failings} testId="stats-chart-failings" empty={data.totals.failingsTotal === 0 ? empty : undefined} />
        </Card>
      </Col>
    </Row>
  );
}

function Overview() {
  const { t } = useI18n();
  const [form] = Form.useForm<FilterValues>();
  const [query, setQuery] = useState<Query>(() => toQuery({ range: thisYear() }));
  const [sort, setSort] = useState<{ sort?: string; order?: 'asc' | 'desc' }>({});
  const paging = usePaging();
  const { page, pageSize } = paging;
  const list = useRequest(
    () => statsApi.stats({ ...query, ...sort, page, pageSize }).then((p) => ({ ...p, items: p.items.map((r): Row => ({ ...r, id: r.departmentId })) })),
    [query, sort, page, pageSize],
  );
  const top = useRequest(() => statsApi.stats({ ...query, sort: 'catalogued', pageSize: 10 }), [query]);
  const year = Number(String(query.to ?? dayjs().format(DAY)).slice(0, 4));

  const onSearch = (v: FilterValues) => {
    paging.setPage(1);
    setQuery(toQuery({ ...v, range: v.range?.[0] && v.range?.[1] ? v.range : thisYear() }));
  };

  const num = (key: FigureKey, warn = false) => ({
    title: t(`stats.fig.${key}` as MessageKey),
    dataIndex: key,
    key,
    width: 88,
    align: 'right' as const,
    sorter: true,
    sortOrder: sort.sort === key ? (sort.order === 'asc' ? ('ascend' as const) : ('descend' as const)) : null,
    render: (v: number) => (warn && v > 0 ? <Typography.Text type="danger">{v}</Typography.Text> : v),
  });

  const columns: TableColumnsType<Row> = [
    {
      title: t('stats.col.department'),
      dataIndex: 'departmentName',
      key: 'departmentName',
      fixed: 'left',
      width: 200,
      sorter: true,
      sortOrder: sort.sort === 'departmentName' ? (sort.order === 'desc' ? 'descend' : 'ascend') : null,
      render: (v: string, r) => (
        <span data-testid="stats-department">
          {v}
          {r.flagged && (
            <Tooltip title={FAILING_KINDS.filter((k) => r.failings[k] > 0).map((k) => `${t(`stats.kind.${k}`)} ${r.failings[k]}`).join('；')}>
              <Tag color="red" icon={<WarningOutlined />} style={{ marginLeft: 6 }} data-testid="stats-flagged">
                {t('stats.flagged')}
              </Tag>
            </Tooltip>
          )}
        </span>
      ),
    },
    { title: t('stats.col.division'), dataIndex: 'divisionCode', key: 'divisionCode', width: 100 },
    { title: t('stats.col.catalog'), children: [num('catalogued'), num('published'), num('updateDutiesOverdue', true)] },
    { title: t('stats.col.requests'), children: [num('requestsReceived'), num('requestsAnsweredOnTime'), num('requestsAnsweredLate', true), num('requestsOpen'), num('requestsOverdue', true)] },
    { title: t('stats.col.usage'), children: [num('requestsMade'), num('grantsGiven'), num('grantsReceived')] },
    { title: t('stats.col.disputes'), children: [num('disputesReceived'), num('disputesOverdue', true), num('disputesCorrected', true), num('disputesRaised')] },
    { title: t('stats.col.duties'), children: [num('sharingDuties'), num('sharingDutiesFulfilled'), num('sharingDutiesOverdue', true)] },
    { title: t('stats.col.failings'), children: [num('failingsTotal', true)] },
    {
      title: t('stats.col.report'),
      key: 'report',
      fixed: 'right',
      width: 140,
      render: (_v, r) => (
        <Button size="small" icon={<DownloadOutlined />} href={statsApi.reportUrl(year, r.departmentId)} download data-testid="stats-download">
          {t('stats.download', { year })}
        </Button>
      ),
    },
  ];

  return (
    <>
      <FilterCard<FilterValues>
        form={form}
        initialValues={{ range: thisYear() }}
        onSearch={onSearch}
        onReset={() => {
          form.resetFields();
          onSearch({ range: thisYear() });
        }}
        testId="stats-filter-form"
        searchTestId="stats-search"
        resetTestId="stats-reset"
      >
        <Form.Item name="range" label={t('stats.period')} rules={[{ validator: async (_r, v: FilterValues['range']) => { if (!v?.[0] || !v?.[1]) throw new Error(t('stats.invalidRange')); } }]}>
          <DatePicker.RangePicker format={DAY} allowClear={false} data-testid="stats-filter-period" />
        </Form.Item>
        <Form.Item name="divisionCode" label={t('stats.division')}>
          <DivisionTreeSelect allowClear placeholder={t('common.all')} style={{ width: 200 }} testId="stats-filter-division" />
        </Form.Item>
        <Form.Item name="departmentId" label={t('stats.department')}>
          <DepartmentSelect allowClear placeholder={t('common.all')} style={{ width: 220 }} testId="stats-filter-department" />
        </Form.Item>
      </FilterCard>
      <Typography.Paragraph type="secondary" style={{ marginTop: -8 }}>
        {t('stats.periodHint')}
      </Typography.Paragraph>
      {list.data && (
        <>
          <Kpis data={list.data} />
          <Charts data={list.data} top={top.data?.items} />
        </>
      )}
      <PagedTable<Row>
        list={list}
        paging={paging}
        columns={columns}
        bordered
        scroll={{ x: 2300 }}
        onChange={(_p, _f, sorter, extra) => {
          if (extra.action !== 'sort') return;
          const s = Array.isArray(sorter) ? sorter[0] : sorter;
          paging.setPage(1);
          setSort(s?.order && s.columnKey ? { sort: String(s.columnKey), order: s.order === 'ascend' ? 'asc' : 'desc' } : {});
        }}
        rowTestId="stats-row"
        rowData={(r) => ({ 'data-id': r.departmentId, 'data-flagged': String(r.flagged) })}
        data-testid="stats-table"
      />
    </>
  );
}

export default function StatsPage() {
  const { t } = useI18n();
  const [params, setParams] = useSearchParams();
  const tab = params.get('tab') === 'failings' ? 'failings' : 'overview';
  return (
    <div data-testid="page-stats">
      <PageTitle title={t('stats.title')} />
      <Tabs
        activeKey={tab}
        onChange={(k) => setParams(k === 'overview' ? {} : { tab: k }, { replace: true })}
        destroyOnHidden
        items={[
          { key: 'overview', label: <span data-testid="stats-tab-overview">{t('stats.tab.overview')}</span>, children: <Overview /> },
          { key: 'failings', label: <span data-testid="stats-tab-failings">{t('stats.tab.failings')}</span>, children: <FailingsTab /> },
        ]}
      />
    </div>
  );
}
