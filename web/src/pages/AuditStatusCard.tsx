import { Alert, Button, Card, Col, List, Row, Statistic, Typography } from 'antd';
import { SafetyCertificateOutlined } from '@ant-design/icons';
import { useState } from 'react';
import { auditApi } from '../api/audit';
import type { AuditVerifyResult } from '../api/types';
import { useAuth } from '../auth/AuthContext';
import { useProblem } from '../components/useProblem';
import { useRequest } from '../hooks/useRequest';
import { useI18n } from '../i18n';
import { fmtTime } from '../utils/format';

/** 日志封存状态 and, for auditors, the integrity check (POST /api/audit/verify). */
export function AuditStatusCard() {
  const { t } = useI18n();
  const { can } = useAuth();
  const showProblem = useProblem();
  const { data, loading, reload } = useRequest(() => auditApi.status(), []);
  const [verifying, setVerifying] = useState(false);
  const [result, setResult] = useState<AuditVerifyResult | null>(null);

  const verify = async () => {
    setVerifying(true);
    setResult(null);
    try {
      setResult(await auditApi.verify());
      reload();
    } catch (e) {
      showProblem(e);
    } finally {
      setVerifying(false);
    }
  };

  return (
    <Card
      title={t('audit.status')}
      loading={loading && !data}
      style={{ marginBottom: 16 }}
      extra={
        can('audit.verify') && (
          <Button icon={<SafetyCertificateOutlined />} loading={verifying} onClick={verify} data-testid="audit-verify">
            {verifying ? t('audit.verifying') : t('audit.verify')}
          </Button>
        )
      }
      data-testid="audit-status"
    >
      {data && (
        <Row gutter={16}>
          <Col xs={12} md={4}>
            <Statistic title={t('audit.entries')} value={data.entries} />
          </Col>
          <Col xs={12} md={4}>
            <Statistic title={t('audit.sealed')} value={data.sealed} />
          </Col>
          <Col xs={12} md={4}>
            <Statistic title={t('audit.unsealed')} value={data.unsealed} />
          </Col>
          <Col xs={12} md={4}>
            <Statistic title={t('audit.batches')} value={data.batches} />
          </Col>
          <Col xs={24} md={8}>
            <Statistic title={t('audit.lastSealedAt')} value={data.lastSealedAt ? fmtTime(data.lastSealedAt) : '—'} />
          </Col>
        </Row>
      )}
      {result && (
        <Alert
          style={{ marginTop: 16 }}
          type={result.ok ? 'success' : 'error'}
          showIcon
          data-testid="audit-verify-result"
          title={result.ok ? t('audit.verifyOk', { batches: result.batches, entries: result.entries }) : t('audit.verifyFailed', { n: result.problems.length })}
          description={
            result.ok ? (
              result.head && (
                <Typography.Text type="secondary">
                  {t('audit.chainHead', { batch: result.head.batchNo })} <Typography.Text code copyable>{result.head.chainHash}</Typography.Text>
                </Typography.Text>
              )
            ) : (
              <List
                size="small"
                dataSource={result.problems}
                renderItem={(p) => (
                  <List.Item>
                    <Typography.Text code>{p.kind}</Typography.Text>
                    {p.batchNo !== null && ` #${p.batchNo}`} {p.message}
                  </List.Item>
                )}
              />
            )
          }
        />
      )}
    </Card>
  );
}
