import type { CalendarYear } from '../types.ts';

/**
 * 2024 — 国办发明电〔2023〕7号.
 * 元旦 1/1 (与周末连休); 春节 2/10–2/17 (8), 2/4 (Sun) and 2/18 (Sun) working; 清明节 4/4–4/6 (3),
 * 4/7 (Sun) working; 劳动节 5/1–5/5 (5), 4/28 (Sun) and 5/11 (Sat) working; 端午节 6/10 (与周末连休);
 * 中秋节 9/15–9/17 (3), 9/14 (Sat) working; 国庆节 10/1–10/7 (7), 9/29 (Sun) and 10/12 (Sat) working.
 *
 * 除夕 (Friday 2/9) is NOT a holiday: the notice only "encourages" employers to let staff rest
 * that day, so for legal deadlines it is an ordinary working day.
 */
export const YEAR_2024: CalendarYear = {
  year: 2024,
  holidays: [
    { date: '2024-01-01', name: '元旦' }, // 周一
    { date: '2024-02-10', name: '春节' }, // 周六
    { date: '2024-02-11', name: '春节' }, // 周日
    { date: '2024-02-12', name: '春节' }, // 周一
    { date: '2024-02-13', name: '春节' }, // 周二
    { date: '2024-02-14', name: '春节' }, // 周三
    { date: '2024-02-15', name: '春节' }, // 周四
    { date: '2024-02-16', name: '春节' }, // 周五
    { date: '2024-02-17', name: '春节' }, // 周六
    { date: '2024-04-04', name: '清明节' }, // 周四
    { date: '2024-04-05', name: '清明节' }, // 周五
    { date: '2024-04-06', name: '清明节' }, // 周六
    { date: '2024-05-01', name: '劳动节' }, // 周三
    { date: '2024-05-02', name: '劳动节' }, // 周四
    { date: '2024-05-03', name: '劳动节' }, // 周五
    { date: '2024-05-04', name: '劳动节' }, // 周六
    { date: '2024-05-05', name: '劳动节' }, // 周日
    { date: '2024-06-10', name: '端午节' }, // 周一
    { date: '2024-09-15', name: '中秋节' }, // 周日
    { date: '2024-09-16', name: '中秋节' }, // 周一
    { date: '2024-09-17', name: '中秋节' }, // 周二
    { date: '2024-10-01', name: '国庆节' }, // 周二
    { date: '2024-10-02', name: '国庆节' }, // 周三
    { date: '2024-10-03', name: '国庆节' }, // 周四
    { date: '2024-10-04', name: '国庆节' }, // 周五
    { date: '2024-10-05', name: '国庆节' }, // 周六
    { date: '2024-10-06', name: '国庆节' }, // 周日
    { date: '2024-10-07', name: '国庆节' }, // 周一
  ],
  adjustedWorkingDays: [
    { date: '2024-02-04', name: '春节' }, // 周日
    { date: '2024-02-18', name: '春节' }, // 周日
    { date: '2024-04-07', name: '清明节' }, // 周日
    { date: '2024-04-28', name: '劳动节' }, // 周日
    { date: '2024-05-11', name: '劳动节' }, // 周六
    { date: '2024-09-14', name: '中秋节' }, // 周六
    { date: '2024-09-29', name: '国庆节' }, // 周日
    { date: '2024-10-12', name: '国庆节' }, // 周六
  ],
  source: [
    {
      title: '国务院办公厅关于2024年部分节假日安排的通知',
      documentNumber: '国办发明电〔2023〕7号',
      publishedOn: '2023-10-25',
      url: 'https://www.gov.cn/zhengce/content/202310/content_6911527.htm',
    },
  ],
};
