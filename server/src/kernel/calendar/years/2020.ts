import type { CalendarYear } from '../types.ts';

/**
 * 2020 — 国办发明电〔2019〕16号, amended by 国办发明电〔2020〕1号 (COVID-19).
 *
 * Original notice: 元旦 1/1 (1 day); 春节 1/24–1/30 (7 days), 1/19 (Sun) and 2/1 (Sat) working;
 * 清明节 4/4–4/6 (3); 劳动节 5/1–5/5 (5), 4/26 (Sun) and 5/9 (Sat) working;
 * 端午节 6/25–6/27 (3), 6/28 (Sun) working; 国庆节、中秋节 10/1–10/8 (8), 9/27 (Sun) and 10/10 (Sat) working.
 *
 * The extension notice moved the end of the Spring Festival break to 2/2 (正月初九, Sunday),
 * normal work resuming Monday 2/3. So 1/31–2/2 are holidays and the 2/1 (Sat) adjusted working
 * day of the original notice was cancelled: it is deliberately NOT listed below.
 * Some provinces extended further by local notice; this calendar follows the national notices only.
 */
export const YEAR_2020: CalendarYear = {
  year: 2020,
  holidays: [
    { date: '2020-01-01', name: '元旦' }, // 周三
    { date: '2020-01-24', name: '春节' }, // 周五
    { date: '2020-01-25', name: '春节' }, // 周六
    { date: '2020-01-26', name: '春节' }, // 周日
    { date: '2020-01-27', name: '春节' }, // 周一
    { date: '2020-01-28', name: '春节' }, // 周二
    { date: '2020-01-29', name: '春节' }, // 周三
    { date: '2020-01-30', name: '春节' }, // 周四
    { date: '2020-01-31', name: '春节（延长假期）' }, // 周五
    { date: '2020-02-01', name: '春节（延长假期）' }, // 周六
    { date: '2020-02-02', name: '春节（延长假期）' }, // 周日
    { date: '2020-04-04', name: '清明节' }, // 周六
    { date: '2020-04-05', name: '清明节' }, // 周日
    { date: '2020-04-06', name: '清明节' }, // 周一
    { date: '2020-05-01', name: '劳动节' }, // 周五
    { date: '2020-05-02', name: '劳动节' }, // 周六
    { date: '2020-05-03', name: '劳动节' }, // 周日
    { date: '2020-05-04', name: '劳动节' }, // 周一
    { date: '2020-05-05', name: '劳动节' }, // 周二
    { date: '2020-06-25', name: '端午节' }, // 周四
    { date: '2020-06-26', name: '端午节' }, // 周五
    { date: '2020-06-27', name: '端午节' }, // 周六
    { date: '2020-10-01', name: '国庆节、中秋节' }, // 周四
    { date: '2020-10-02', name: '国庆节、中秋节' }, // 周五
    { date: '2020-10-03', name: '国庆节、中秋节' }, // 周六
    { date: '2020-10-04', name: '国庆节、中秋节' }, // 周日
    { date: '2020-10-05', name: '国庆节、中秋节' }, // 周一
    { date: '2020-10-06', name: '国庆节、中秋节' }, // 周二
    { date: '2020-10-07', name: '国庆节、中秋节' }, // 周三
    { date: '2020-10-08', name: '国庆节、中秋节' }, // 周四
  ],
  adjustedWorkingDays: [
    { date: '2020-01-19', name: '春节' }, // 周日
    { date: '2020-04-26', name: '劳动节' }, // 周日
    { date: '2020-05-09', name: '劳动节' }, // 周六
    { date: '2020-06-28', name: '端午节' }, // 周日
    { date: '2020-09-27', name: '国庆节、中秋节' }, // 周日
    { date: '2020-10-10', name: '国庆节、中秋节' }, // 周六
  ],
  source: [
    {
      title: '国务院办公厅关于2020年部分节假日安排的通知',
      documentNumber: '国办发明电〔2019〕16号',
      publishedOn: '2019-11-21',
      url: 'http://www.gov.cn/zhengce/content/2019-11/21/content_5454164.htm',
    },
    {
      // Dated 2020-01-26, released on gov.cn on 2020-01-27 (publishedOn = release date).
      title: '国务院办公厅关于延长2020年春节假期的通知',
      documentNumber: '国办发明电〔2020〕1号',
      publishedOn: '2020-01-27',
      url: 'http://www.gov.cn/zhengce/content/2020-01/27/content_5472352.htm',
    },
  ],
};
