import { Button, DatePicker, Divider, Form, Input, Space, Spin } from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import dayjs, { type Dayjs } from 'dayjs';
import { useEffect, useState } from 'react';
import { calendarApi } from '../api/calendar';
import type { CalendarYear } from '../api/types';
import { FormModal } from '../components/FormModal';
import { useFormSubmit } from '../hooks/useFormSubmit';
import { useI18n, type MessageKey } from '../i18n';

interface DateRow {
  date: Dayjs | null;
  name: string;
}
interface SourceRow {
  title: string;
  documentNumber: string;
  publishedOn: Dayjs | null;
  url?: string;
}
interface Values {
  holidays: DateRow[];
  adjustedWorkingDays: DateRow[];
  source: SourceRow[];
}

const D = 'YYYY-MM-DD';

function DateList({ name, addLabel, year }: { name: 'holidays' | 'adjustedWorkingDays'; addLabel: MessageKey; year: number }) {
  const { t } = useI18n();
  return (
    <Form.List name={name}>
      {(fields, { add, remove }) => (
        <>
          {fields.map((f) => (
            <Space key={f.key} align="baseline" style={{ display: 'flex' }}>
              <Form.Item name={[f.name, 'date']} rules={[{ required: true, message: t('cal.date') }]} style={{ marginBottom: 8 }}>
                <DatePicker
                  format={D}
                  defaultPickerValue={dayjs().year(year).month(0).date(1)}
                  disabledDate={(d) => d.year() !== year}
                  placeholder={t('cal.date')}
                />
              </Form.Item>
              <Form.Item name={[f.name, 'name']} rules={[{ required: true, whitespace: true, message: t('cal.name') }]} style={{ marginBottom: 8 }}>
                <Input placeholder={t('cal.name')} style={{ width: 200 }} />
              </Form.Item>
              <Button type="text" danger icon={<DeleteOutlined />} onClick={() => remove(f.name)} aria-label={t('common.delete')} />
            </Space>
          ))}
          <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ date: null, name: '' })}>
            {t(addLabel)}
          </Button>
        </>
      )}
    </Form.List>
  );
}

/** 维护节假日: edits one year's holidays, adjusted working days and the notices they come from. */
export function CalendarYearModal({ year, onClose, onSaved }: { year: number; onClose: () => void; onSaved: () => void }) {
  const { t } = useI18n();
  const [form] = Form.useForm<Values>();
  const [loading, setLoading] = useState(true);
  const { busy, submit } = useFormSubmit(form);

  useEffect(() => {
    let live = true;
    const fill = (y: CalendarYear | null) => {
      if (!live) return;
      form.setFieldsValue({
        holidays: (y?.holidays ?? []).map((h) => ({ date: dayjs(h.date), name: h.name })),
        adjustedWorkingDays: (y?.adjustedWorkingDays ?? []).map((h) => ({ date: dayjs(h.date), name: h.name })),
        source: (y?.source ?? []).map((s) => ({ ...s, publishedOn: s.publishedOn ? dayjs(s.publishedOn) : null })),
      });
      setLoading(false);
    };
    calendarApi
      .year(year)
      .then(fill)
      .catch(() => fill(null));
    return () => {
      live = false;
    };
  }, [year, form]);

  const save = async (v: Values) => {
    const body: CalendarYear = {
      year,
      holidays: (v.holidays ?? []).map((h) => ({ date: h.date!.format(D), name: h.name.trim() })),
      adjustedWorkingDays: (v.adjustedWorkingDays ?? []).map((h) => ({ date: h.date!.format(D), name: h.name.trim() })),
      source: (v.source ?? []).map((s) => ({
        title: s.title.trim(),
        documentNumber: s.documentNumber.trim(),
        publishedOn: s.publishedOn!.format(D),
        ...(s.url?.trim() ? { url: s.url.trim() } : {}),
      })),
    };
    await calendarApi.saveYear(year, body);
  };
  const onFinish = (v: Values) => submit(() => save(v), t('common.saved'), onSaved);

  return (
    <FormModal open title={t('cal.editYear', { year })} onCancel={onClose} form={form} busy={busy} okDisabled={loading} submitTestId="cal-year-submit" width={760}>
      <Spin spinning={loading}>
        <Form<Values> form={form} onFinish={onFinish}>
          <Divider titlePlacement="start">{t('cal.legendHoliday')}</Divider>
          <DateList name="holidays" addLabel="cal.addHoliday" year={year} />
          <Divider titlePlacement="start">{t('cal.legendAdjusted')}</Divider>
          <DateList name="adjustedWorkingDays" addLabel="cal.addAdjusted" year={year} />
          <Divider titlePlacement="start">{t('cal.source')}</Divider>
          <Form.List name="source">
            {(fields, { add, remove }) => (
              <>
                {fields.map((f) => (
                  <Space key={f.key} align="baseline" wrap style={{ display: 'flex' }}>
                    <Form.Item name={[f.name, 'title']} rules={[{ required: true, whitespace: true, message: t('cal.sourceTitle') }]} style={{ marginBottom: 8 }}>
                      <Input placeholder={t('cal.sourceTitle')} style={{ width: 260 }} />
                    </Form.Item>
                    <Form.Item name={[f.name, 'documentNumber']} rules={[{ required: true, whitespace: true, message: t('cal.documentNumber') }]} style={{ marginBottom: 8 }}>
                      <Input placeholder={t('cal.documentNumber')} style={{ width: 160 }} />
                    </Form.Item>
                    <Form.Item name={[f.name, 'publishedOn']} rules={[{ required: true, message: t('cal.publishedOn') }]} style={{ marginBottom: 8 }}>
                      <DatePicker format={D} placeholder={t('cal.publishedOn')} />
                    </Form.Item>
                    <Form.Item name={[f.name, 'url']} rules={[{ type: 'url' }]} style={{ marginBottom: 8 }}>
                      <Input placeholder={t('cal.url')} style={{ width: 220 }} />
                    </Form.Item>
                    <Button type="text" danger icon={<DeleteOutlined />} onClick={() => remove(f.name)} aria-label={t('common.delete')} />
                  </Space>
                ))}
                <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ title: '', documentNumber: '', publishedOn: null })}>
                  {t('cal.addSource')}
                </Button>
              </>
            )}
          </Form.List>
        </Form>
      </Spin>
    </FormModal>
  );
}
