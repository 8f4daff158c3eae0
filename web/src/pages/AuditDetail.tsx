import { Descriptions, Table, Typography } from 'antd';
import type { AuditEntry } from '../api/types';
import { useI18n } from '../i18n';
import { fmtTime } from '../utils/format';

const show = (v: unknown): string => {
  if (v === undefined) return '—';
  if (v === null) return 'null';
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
};

interface DiffRow {
  field: string;
  before: unknown;
  after: unknown;
  changed: boolean;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The summary's before/after as one row per field; anything else as plain key/value rows. */
function SummaryView({ summary }: { summary: unknown }) {
  const { t } = useI18n();
  if (summary === null || summary === undefined || (isRecord(summary) && Object.keys(summary).length === 0)) {
    return <Typography.Text type="secondary">{t('audit.noSummary')}</Typography.Text>;
  }
  if (isRecord(summary) && ('before' in summary || 'after' in summary)) {
    const before = isRecord(summary.before) ? summary.before : {};
    const after = isRecord(summary.after) ? summary.after : {};
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    const rows: DiffRow[] = keys.map((k) => ({
      field: k,
      before: k in before ? before[k] : undefined,
      after: k in after ? after[k] : undefined,
      changed: show(before[k]) !== show(after[k]),
    }));
    const rest = Object.entries(summary).filter(([k]) => k !== 'before' && k !== 'after');
    return (
      <>
        <Table<DiffRow>
          size="small"
          rowKey="field"
          pagination={false}
          dataSource={rows}
          rowClassName={(r) => ('before' in summary && 'after' in summary && r.changed ? 'zt-diff-changed' : '')}
          columns={[
            { title: t('audit.field'), dataIndex: 'field', width: 180, render: (v: string) => <Typography.Text code>{v}</Typography.Text> },
            { title: t('audit.before'), dataIndex: 'before', render: (v: unknown) => <span style={{ wordBreak: 'break-all' }}>{show(v)}</span> },
            { title: t('audit.after'), dataIndex: 'after', render: (v: unknown) => <span style={{ wordBreak: 'break-all' }}>{show(v)}</span> },
          ]}
          data-testid="audit-diff"
        />
        {rest.length > 0 && <pre style={{ margin: '8px 0 0', fontSize: 12 }}>{JSON.stringify(Object.fromEntries(rest), null, 2)}</pre>}
      </>
    );
  }
  if (isRecord(summary)) {
    return (
      <Descriptions
        size="small"
        column={1}
        bordered
        items={Object.entries(summary).map(([k, v]) => ({ key: k, label: k, children: <span style={{ wordBreak: 'break-all' }}>{show(v)}</span> }))}
      />
    );
  }
  return <pre style={{ margin: 0, fontSize: 12 }}>{JSON.stringify(summary, null, 2)}</pre>;
}

export function AuditDetail({ entry }: { entry: AuditEntry }) {
  const { t } = useI18n();
  return (
    <div style={{ padding: '4px 8px' }} data-testid="audit-detail">
      <Descriptions
        size="small"
        column={{ xs: 1, md: 2, xl: 3 }}
        style={{ marginBottom: 12 }}
        items={[
          { key: 'time', label: t('audit.occurredAt'), children: fmtTime(entry.occurredAt) },
          { key: 'action', label: t('audit.action'), children: <Typography.Text code>{entry.action}</Typography.Text> },
          { key: 'target', label: t('audit.target'), children: [entry.targetType, entry.targetId].filter(Boolean).join(' / ') || '—' },
          { key: 'req', label: t('common.requestId'), children: entry.requestId ? <Typography.Text copyable>{entry.requestId}</Typography.Text> : '—' },
          { key: 'ip', label: t('audit.ip'), children: entry.ip ?? '—' },
          { key: 'err', label: t('audit.errorCode'), children: entry.errorCode ?? '—' },
          { key: 'batch', label: t('audit.batchNo'), children: entry.batchNo ?? t('audit.unsealed') },
        ]}
      />
      <SummaryView summary={entry.summary} />
    </div>
  );
}
