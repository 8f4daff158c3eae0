import type { CalendarYear } from '../types.ts';

/**
 * 2025 — 国办发明电〔2024〕12号, the first year under 国务院令第795号, which from 2025-01-01 adds
 * two statutory days: 除夕 to the Spring Festival (now 4 days) and 5/2 to Labour Day (now 2 days),
 * 13 statutory days in all (11 before).
 * 元旦 1/1 (1, 不调休); 春节 1/28 (除夕)–2/4 (8), 1/26 (Sun) and 2/8 (Sat) working;
 * 清明节 4/4–4/6 (3); 劳动节 5/1–5/5 (5), 4/27 (Sun) working; 端午节 5/31–6/2 (3);
 * 国庆节、中秋节 10/1–10/8 (8), 9/28 (Sun) and 10/11 (Sat) working.
 */
export const YEAR_2025: CalendarYear = {
  year: 2025,
  holidays: [
    { date: '2025-01-01', name: '元旦' }, // 周三
    { date: '2025-01-28', name: '春节' }, // 周二
    { date: '2025-01-29', name: '春节' }, // 周三
    { date: '2025-01-30', name: '春节' }, // 周四
    { date: '2025-01-31', name: '春节' }, // 周五
    { date: '2025-02-01', name: '春节' }, // 周六
    { date: '2025-02-02', name: '春节' }, // 周日
    { date: '2025-02-03', name: '春节' }, // 周一
    { date: '2025-02-04', name: '春节' }, // 周二
    { date: '2025-04-04', name: '清明节' }, // 周五
    { date: '2025-04-05', name: '清明节' }, // 周六
    { date: '2025-04-06', name: '清明节' }, // 周日
    { date: '2025-05-01', name: '劳动节' }, // 周四
    { date: '2025-05-02', name: '劳动节' }, // 周五
    { date: '2025-05-03', name: '劳动节' }, // 周六
    { date: '2025-05-04', name: '劳动节' }, // 周日
    { date: '2025-05-05', name: '劳动节' }, // 周一
    { date: '2025-05-31', name: '端午节' }, // 周六
    { date: '2025-06-01', name: '端午节' }, // 周日
    { date: '2025-06-02', name: '端午节' }, // 周一
    { date: '2025-10-01', name: '国庆节、中秋节' }, // 周三
    { date: '2025-10-02', name: '国庆节、中秋节' }, // 周四
    { date: '2025-10-03', name: '国庆节、中秋节' }, // 周五
    { date: '2025-10-04', name: '国庆节、中秋节' }, // 周六
    { date: '2025-10-05', name: '国庆节、中秋节' }, // 周日
    { date: '2025-10-06', name: '国庆节、中秋节' }, // 周一
    { date: '2025-10-07', name: '国庆节、中秋节' }, // 周二
    { date: '2025-10-08', name: '国庆节、中秋节' }, // 周三
  ],
  adjustedWorkingDays: [
    { date: '2025-01-26', name: '春节' }, // 周日
    { date: '2025-02-08', name: '春节' }, // 周六
    { date: '2025-04-27', name: '劳动节' }, // 周日
    { date: '2025-09-28', name: '国庆节、中秋节' }, // 周日
    { date: '2025-10-11', name: '国庆节、中秋节' }, // 周六
  ],
  source: [
    {
      title: '国务院办公厅关于2025年部分节假日安排的通知',
      documentNumber: '国办发明电〔2024〕12号',
      publishedOn: '2024-11-12',
      url: 'https://www.gov.cn/zhengce/content/202411/content_6986382.htm',
    },
    {
      // Order dated 2024-11-10, released with the notice on 2024-11-12; in force 2025-01-01.
      title: '国务院关于修改《全国年节及纪念日放假办法》的决定',
      documentNumber: '国务院令第795号',
      publishedOn: '2024-11-12',
      url: 'https://www.gov.cn/zhengce/content/202411/content_6986380.htm',
    },
  ],
};
