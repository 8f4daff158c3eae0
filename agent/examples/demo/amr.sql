-- The demo source: 南昌市市场监管局's administrative penalty records (sample data, not real).
-- The demo task reads them by decision number, picking up changes by updated_at.
CREATE TABLE IF NOT EXISTS penalty (
  decision_no    text PRIMARY KEY,
  party_name     text NOT NULL,
  uscc           char(18) NOT NULL,
  violation_type text NOT NULL,
  legal_basis    text NOT NULL,
  penalty        text NOT NULL,
  amount         numeric(14, 4),
  decision_date  date NOT NULL,
  updated_at     timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX IF NOT EXISTS penalty_updated_at ON penalty (updated_at, decision_no);

INSERT INTO penalty (decision_no, party_name, uscc, violation_type, legal_basis, penalty, amount, decision_date)
SELECT format('洪市监处罚〔2026〕%s号', g),
       format('南昌%s%s有限公司', (ARRAY['赣江', '滕王', '青山', '象湖', '瑶湖', '梅岭'])[1 + g % 6], (ARRAY['食品', '商贸', '科技', '医药', '建材'])[1 + g % 5]),
       '91360100' || lpad((7300000 + g * 13)::text, 9, '0') || (ARRAY['X', '1', '5', '8'])[1 + g % 4],
       (ARRAY['销售不符合食品安全标准的食品', '虚假宣传', '未按规定公示年度报告', '价格违法行为', '无照经营'])[1 + g % 5],
       (ARRAY['《中华人民共和国食品安全法》第一百二十四条', '《中华人民共和国反不正当竞争法》第二十条', '《企业信息公示暂行条例》第十七条', '《中华人民共和国价格法》第四十条', '《无证无照经营查处办法》第十三条'])[1 + g % 5],
       (ARRAY['警告，罚款', '罚款', '列入经营异常名录', '没收违法所得，罚款', '责令停止违法行为，罚款'])[1 + g % 5],
       CASE WHEN g % 5 = 2 THEN NULL ELSE round((0.2 + (g % 37) * 0.35)::numeric, 4) END,
       date '2026-01-05' + (g * 3 % 320)
FROM generate_series(1, 240) g
ON CONFLICT (decision_no) DO NOTHING;
