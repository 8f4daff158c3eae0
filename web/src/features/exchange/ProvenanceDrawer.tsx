import { Descriptions, Drawer, Spin, Timeline, Typography } from 'antd';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useRequest } from '../../hooks/useRequest';
import { useI18n, type MessageKey } from '../../i18n';
import { fmtTime } from '../../utils/format';
import { exchangeApi, type Batch, type Hop } from './api';
import { fmtBytes } from './components';

const HOP_COLOR: Record<Hop, string> = { extracted: 'gray', uploaded: 'blue', routed: 'blue', delivered: 'blue', applied: 'green', failed: 'red', expired: 'orange' };

/** A hop's detail as `key: value` pairs (nested values as JSON); nothing when empty. */
function detailText(d: unknown): string | null {
  if (d === null || d === undefined) return null;
  if (typeof d !== 'object' || Array.isArray(d)) return typeof d === 'string' ? d : JSON.stringify(d);
  const pairs = Object.entries(d as Record<string, unknown>).filter(([, v]) => v !== null && v !== undefined);
  if (!pairs.length) return null;
  return pairs.map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`).join(' · ');
}

/** One batch's journey: every hop (extracted … applied or failed) with its time, node, size and rows. */
export function ProvenanceDrawer({ batch, onClose }: { batch: Batch | null; onClose: () => void }) {
  const { t } = useI18n();
  const prov = useRequest(() => exchangeApi.provenance(batch!.id), [batch?.id], !!batch);
  const items = prov.data?.items ?? [];
  return (
    <Drawer open={!!batch} onClose={onClose} size="large" title={batch ? t('exchange.batch.provenanceTitle', { seq: batch.seq }) : ''} data-testid="provenance-drawer">
      {batch && (
        <Descriptions column={1} size="small" style={{ marginBottom: 16 }}>
          <Descriptions.Item label={t('exchange.batch.rows')}>{batch.rowCount}</Descriptions.Item>
          <Descriptions.Item label={t('exchange.batch.bytes')}>{fmtBytes(batch.bytes)}</Descriptions.Item>
          <Descriptions.Item label={t('exchange.batch.sm3')}>
            <Typography.Text code copyable style={{ fontSize: 12, wordBreak: 'break-all' }}>
              {batch.sm3}
            </Typography.Text>
          </Descriptions.Item>
          {batch.checkpoint && (
            <Descriptions.Item label={t('exchange.batch.checkpoint')}>
              {batch.checkpoint.from ?? '—'} → {batch.checkpoint.to ?? '—'}
            </Descriptions.Item>
          )}
        </Descriptions>
      )}
      {prov.error && <ErrorAlert error={prov.error} onRetry={prov.reload} />}
      {prov.loading && !prov.data ? (
        <Spin />
      ) : (
        <Timeline
          data-testid="provenance-timeline"
          items={items.map((p, i) => {
            const extra = detailText(p.detail);
            return {
              key: `${p.hop}-${i}`,
              color: HOP_COLOR[p.hop] ?? 'gray',
              title: fmtTime(p.at),
              content: (
                <div data-testid="provenance-hop" data-hop={p.hop}>
                  <Typography.Text strong>{t(`exchange.hop.${p.hop}` as MessageKey)}</Typography.Text>
                  {p.nodeCode && <Typography.Text type="secondary"> · {p.nodeCode}</Typography.Text>}
                  <div>
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {[p.rowCount !== null ? t('exchange.batch.rowsN', { n: p.rowCount }) : null, p.bytes !== null ? fmtBytes(p.bytes) : null].filter(Boolean).join(' · ')}
                    </Typography.Text>
                  </div>
                  {extra && (
                    <Typography.Paragraph type={p.hop === 'failed' ? 'danger' : 'secondary'} style={{ fontSize: 12, marginBottom: 0 }} ellipsis={{ rows: 3, expandable: true }}>
                      {extra}
                    </Typography.Paragraph>
                  )}
                </div>
              ),
            };
          })}
        />
      )}
    </Drawer>
  );
}
