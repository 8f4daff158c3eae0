import { Button, Card, DatePicker, Descriptions, Form, InputNumber, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { calendarApi } from '../api/calendar';
import type { DeadlineResult } from '../api/types';
import { useProblem } from '../components/useProblem';
import { useI18n } from '../i18n';
import { fmtDate, fmtMinute } from '../utils/format';

interface Values {
  start: Dayjs;
  days: number;
}

/** 办理时限计算: start time + N working days → deadline (GET /api/calendar/deadline). */
export function DeadlineCalculator() {
  const { t } = useI18n();
  const [form] = Form.useForm<Values>();
  const showProblem = useProblem();
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<DeadlineResult | null>(null);

  const onFinish = async (v: Values) => {
    setBusy(true);
    try {
      setResult(await calendarApi.deadline(v.start.toISOString(), v.days));
    } catch (e) {
      setResult(null);
      showProblem(e, form);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card title={t('cal.deadline')} style={{ marginBottom: 16 }} data-testid="cal-deadline">
      <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
        {t('cal.deadlineHelp')}
      </Typography.Paragraph>
      <Form<Values> form={form} layout="vertical" initialValues={{ start: dayjs(), days: 20 }} onFinish={onFinish}>
        <Form.Item name="start" label={t('cal.start')} rules={[{ required: true, message: t('cal.startRequired') }]}>
          <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" style={{ width: '100%' }} data-testid="cal-deadline-start" />
        </Form.Item>
        <Form.Item name="days" label={t('cal.days')} rules={[{ required: true, message: t('cal.daysRequired') }]}>
          <InputNumber min={1} max={3650} precision={0} style={{ width: '100%' }} data-testid="cal-deadline-days" />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={busy} block data-testid="cal-deadline-submit">
          {t('cal.compute')}
        </Button>
      </Form>
      {result && (
        <Descriptions
          style={{ marginTop: 16 }}
          column={1}
          size="small"
          bordered
          data-testid="cal-deadline-result"
          items={[
            { key: 'eff', label: t('cal.effectiveStart'), children: fmtMinute(result.effectiveStart) },
            { key: 'first', label: t('cal.firstCounted'), children: fmtDate(result.firstCountedDay) },
            {
              key: 'deadline',
              label: t('cal.result'),
              children: (
                <Typography.Text strong style={{ color: '#cf1322' }}>
                  {dayjs(result.deadline).format('YYYY-MM-DD dddd HH:mm')}
                </Typography.Text>
              ),
            },
          ]}
        />
      )}
    </Card>
  );
}
