import { Alert, Button, Calendar, Card, Col, Row, Space, Table, Tag, Typography } from 'antd';
import { EditOutlined, LinkOutlined } from '@ant-design/icons';
import dayjs, { type Dayjs } from 'dayjs';
import { useMemo, useState } from 'react';
import { calendarApi } from '../api/calendar';
import type { CalendarDay, CalendarYearSummary } from '../api/types';
import { useAuth } from '../auth/AuthContext';
import { ErrorAlert } from '../components/ErrorAlert';
import { PageTitle } from '../components/PageTitle';
import { useRequest } from '../hooks/useRequest';
import { useI18n } from '../i18n';
import { CalendarYearModal } from './CalendarYearModal';
import { DeadlineCalculator } from './DeadlineCalculator';

function YearSource({ year, onEdit }: { year: number; onEdit?: () => void }) {
  const { t } = useI18n();
  const { data, error, loading } = useRequest(() => calendarApi.year(year), [year]);
  const missing = error?.status === 404 || (data && data.source.length === 0 && data.holidays.length === 0);
  return (
    <Card
      title={`${year} · ${t('cal.source')}`}
      loading={loading && !data}
      style={{ marginBottom: 16 }}
      extra={
        onEdit && (
          <Button size="small" icon={<EditOutlined />} onClick={onEdit} data-testid="cal-edit-year">
            {t('common.edit')}
          </Button>
        )
      }
      data-testid="cal-source"
    >
      {missing || !data ? (
        error && error.status !== 404 ? <ErrorAlert error={error} /> : <Alert type="warning" showIcon title={t('cal.noSource')} />
      ) : (
        <Space orientation="vertical" style={{ width: '100%' }}>
          {data.source.map((s) => (
            <div key={s.documentNumber || s.title}>
              <Typography.Text strong>
                {s.url ? (
                  <a href={s.url} target="_blank" rel="noreferrer noopener">
                    {s.title} <LinkOutlined />
                  </a>
                ) : (
                  s.title
                )}
              </Typography.Text>
              <div>
                <Typography.Text type="secondary">
                  {s.documentNumber} · {t('cal.publishedOn')} {s.publishedOn}
                </Typography.Text>
              </div>
            </div>
          ))}
          <div>
            <Tag color="red">{t('cal.holidays')}：{t('cal.dayCount', { n: data.holidays.length })}</Tag>
            <Tag color="blue">{t('cal.adjustedDays')}：{t('cal.dayCount', { n: data.adjustedWorkingDays.length })}</Tag>
          </div>
        </Space>
      )}
    </Card>
  );
}

export default function CalendarPage() {
  const { t } = useI18n();
  const { can } = useAuth();
  const [value, setValue] = useState<Dayjs>(() => dayjs());
  const [editYear, setEditYear] = useState<number | null>(null);
  const [version, setVersion] = useState(0);
  const year = value.year();
  const month = value.month() + 1;
  const monthReq = useRequest(() => calendarApi.month(year, month), [year, month, version]);
  const yearsReq = useRequest(() => calendarApi.years(), [version]);

  const byDate = useMemo(() => new Map<string, CalendarDay>((monthReq.data?.items ?? []).map((d) => [d.date, d])), [monthReq.data]);

  const dateCell = (d: Dayjs) => {
    const info = byDate.get(d.format('YYYY-MM-DD'));
    const rest = info ? !info.working : d.day() === 0 || d.day() === 6;
    const bg = info?.kind === 'holiday' ? '#fff1f0' : info?.kind === 'adjustedWorkingDay' ? '#e6f0ff' : undefined;
    return (
      <div
        className={`ant-picker-cell-inner ant-picker-calendar-date${d.isSame(dayjs(), 'day') ? ' ant-picker-calendar-date-today' : ''}${rest ? ' zt-cal-rest' : ''}`}
        style={bg ? { background: bg } : undefined}
        data-testid="cal-day"
        data-date={d.format('YYYY-MM-DD')}
        data-kind={info?.kind}
      >
        <div className="ant-picker-calendar-date-value">{d.date()}</div>
        <div className="ant-picker-calendar-date-content">
          {info?.kind === 'holiday' && <span className="zt-cal-badge zt-cal-holiday">{t('cal.holiday')}</span>}
          {info?.kind === 'adjustedWorkingDay' && <span className="zt-cal-badge zt-cal-adjusted">{t('cal.workday')}</span>}
          {info?.name && <span className="zt-cal-name">{info.name}</span>}
        </div>
      </div>
    );
  };

  return (
    <div data-testid="page-calendar">
      <PageTitle title={t('cal.title')} />
      <Row gutter={16}>
        <Col xs={24} xl={16}>
          <Card style={{ marginBottom: 16 }}>
            {monthReq.error && <ErrorAlert error={monthReq.error} onRetry={monthReq.reload} />}
            <Space style={{ marginBottom: 8 }} wrap>
              <span>
                <span className="zt-cal-badge zt-cal-holiday">{t('cal.holiday')}</span>
                {t('cal.legendHoliday')}
              </span>
              <span>
                <span className="zt-cal-badge zt-cal-adjusted">{t('cal.workday')}</span>
                {t('cal.legendAdjusted')}
              </span>
              <span style={{ color: '#cf1322' }}>{t('cal.legendWeekend')}</span>
            </Space>
            <Calendar
              value={value}
              onChange={setValue}
              onPanelChange={(d) => setValue(d)}
              fullCellRender={(d, info) => (info.type === 'date' ? dateCell(d) : info.originNode)}
              data-testid="cal-calendar"
            />
          </Card>
        </Col>
        <Col xs={24} xl={8}>
          <YearSource key={`${year}-${version}`} year={year} onEdit={can('calendar.manage') ? () => setEditYear(year) : undefined} />
          <DeadlineCalculator />
          <Card title={t('cal.years')} loading={yearsReq.loading && !yearsReq.data}>
            <Table<CalendarYearSummary>
              size="small"
              rowKey="year"
              pagination={false}
              dataSource={yearsReq.data?.items ?? []}
              onRow={(r) => ({ onClick: () => setValue(value.year(r.year)), style: { cursor: 'pointer' } })}
              columns={[
                { title: t('cal.year'), dataIndex: 'year', width: 70 },
                {
                  title: t('cal.documentNumber'),
                  dataIndex: 'documentNumber',
                  render: (v: string | null, r) => (
                    <Space size={4}>
                      <span>{v ?? '—'}</span>
                      <Tag color={r.source === 'custom' ? 'purple' : 'default'}>{r.source === 'custom' ? t('cal.custom') : t('cal.builtIn')}</Tag>
                    </Space>
                  ),
                },
                { title: t('cal.holidays'), dataIndex: 'holidays', width: 70 },
                { title: t('cal.adjustedDays'), dataIndex: 'adjustedWorkingDays', width: 80 },
              ]}
            />
          </Card>
        </Col>
      </Row>
      {editYear !== null && (
        <CalendarYearModal
          year={editYear}
          onClose={() => setEditYear(null)}
          onSaved={() => {
            setEditYear(null);
            setVersion((v) => v + 1);
          }}
        />
      )}
    </div>
  );
}
