import type { CalendarYear } from '../types.ts';

/**
 * 2022 — 国办发明电〔2021〕11号.
 * 元旦 1/1–1/3 (3); 春节 1/31–2/6 (7), 1/29 (Sat) and 1/30 (Sun) working;
 * 清明节 4/3–4/5 (3), 4/2 (Sat) working; 劳动节 4/30–5/4 (5), 4/24 (Sun) and 5/7 (Sat) working;
 * 端午节 6/3–6/5 (3); 中秋节 9/10–9/12 (3); 国庆节 10/1–10/7 (7), 10/8 (Sat) and 10/9 (Sun) working.
 *
 * 2022-12-31 (Sat) is listed as 元旦 because the 2023 notice (国办发明电〔2022〕16号) starts the
 * 2023 New Year break on that day; a year's data may only hold dates of that year, so it lives here.
 * It is a Saturday, so it changes no working-day count.
 */
export const YEAR_2022: CalendarYear = {
  year: 2022,
  holidays: [
    { date: '2022-01-01', name: '元旦' }, // 周六
    { date: '2022-01-02', name: '元旦' }, // 周日
    { date: '2022-01-03', name: '元旦' }, // 周一
    { date: '2022-01-31', name: '春节' }, // 周一
    { date: '2022-02-01', name: '春节' }, // 周二
    { date: '2022-02-02', name: '春节' }, // 周三
    { date: '2022-02-03', name: '春节' }, // 周四
    { date: '2022-02-04', name: '春节' }, // 周五
    { date: '2022-02-05', name: '春节' }, // 周六
    { date: '2022-02-06', name: '春节' }, // 周日
    { date: '2022-04-03', name: '清明节' }, // 周日
    { date: '2022-04-04', name: '清明节' }, // 周一
    { date: '2022-04-05', name: '清明节' }, // 周二
    { date: '2022-04-30', name: '劳动节' }, // 周六
    { date: '2022-05-01', name: '劳动节' }, // 周日
    { date: '2022-05-02', name: '劳动节' }, // 周一
    { date: '2022-05-03', name: '劳动节' }, // 周二
    { date: '2022-05-04', name: '劳动节' }, // 周三
    { date: '2022-06-03', name: '端午节' }, // 周五
    { date: '2022-06-04', name: '端午节' }, // 周六
    { date: '2022-06-05', name: '端午节' }, // 周日
    { date: '2022-09-10', name: '中秋节' }, // 周六
    { date: '2022-09-11', name: '中秋节' }, // 周日
    { date: '2022-09-12', name: '中秋节' }, // 周一
    { date: '2022-10-01', name: '国庆节' }, // 周六
    { date: '2022-10-02', name: '国庆节' }, // 周日
    { date: '2022-10-03', name: '国庆节' }, // 周一
    { date: '2022-10-04', name: '国庆节' }, // 周二
    { date: '2022-10-05', name: '国庆节' }, // 周三
    { date: '2022-10-06', name: '国庆节' }, // 周四
    { date: '2022-10-07', name: '国庆节' }, // 周五
    { date: '2022-12-31', name: '元旦' }, // 周六
  ],
  adjustedWorkingDays: [
    { date: '2022-01-29', name: '春节' }, // 周六
    { date: '2022-01-30', name: '春节' }, // 周日
    { date: '2022-04-02', name: '清明节' }, // 周六
    { date: '2022-04-24', name: '劳动节' }, // 周日
    { date: '2022-05-07', name: '劳动节' }, // 周六
    { date: '2022-10-08', name: '国庆节' }, // 周六
    { date: '2022-10-09', name: '国庆节' }, // 周日
  ],
  source: [
    {
      title: '国务院办公厅关于2022年部分节假日安排的通知',
      documentNumber: '国办发明电〔2021〕11号',
      publishedOn: '2021-10-25',
      url: 'http://www.gov.cn/zhengce/content/2021-10/25/content_5644835.htm',
    },
    {
      // Only for 2022-12-31, the first day of the 2023 New Year break.
      title: '国务院办公厅关于2023年部分节假日安排的通知',
      documentNumber: '国办发明电〔2022〕16号',
      publishedOn: '2022-12-08',
      url: 'http://www.gov.cn/zhengce/content/2022-12/08/content_5730844.htm',
    },
  ],
};
