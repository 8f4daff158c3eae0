import { CopyOutlined } from '@ant-design/icons';
import { Alert, App, Button, Descriptions, Space, Typography } from 'antd';
import { useI18n } from '../../i18n';
import { fmtMinute } from '../../utils/format';
import type { EnrolToken } from './api';

/** Clipboard API where allowed (https or localhost), else the old select-and-copy. */
async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const area = document.createElement('textarea');
    area.value = text;
    area.style.position = 'fixed';
    area.style.opacity = '0';
    document.body.appendChild(area);
    area.select();
    const ok = document.execCommand('copy');
    area.remove();
    return ok;
  }
}

/**
 * The one-time enrolment token, shown once after registering a node (or reissuing its token): the
 * center keeps only its hash, so closing this view loses it for good.
 */
export function EnrolTokenView({ nodeCode, token }: { nodeCode: string; token: EnrolToken }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const command = `zhengtong-agent enrol --center ${window.location.origin} --token ${token.enrolToken}`;
  const copy = async (text: string) => {
    if (await copyText(text)) message.success(t('common.copied'));
    else message.error(t('exchange.copyFailed'));
  };
  return (
    <Space orientation="vertical" style={{ width: '100%' }} data-testid="enrol-token-view">
      <Alert type="warning" showIcon title={t('exchange.node.tokenOnce')} />
      <Descriptions column={1} size="small" bordered>
        <Descriptions.Item label={t('exchange.node.code')}>{nodeCode}</Descriptions.Item>
        <Descriptions.Item label={t('exchange.node.token')}>
          <Space.Compact style={{ width: '100%' }}>
            <Typography.Text code style={{ wordBreak: 'break-all' }} data-testid="enrol-token">
              {token.enrolToken}
            </Typography.Text>
            <Button size="small" icon={<CopyOutlined />} onClick={() => copy(token.enrolToken)} data-testid="enrol-token-copy">
              {t('common.copy')}
            </Button>
          </Space.Compact>
        </Descriptions.Item>
        <Descriptions.Item label={t('exchange.node.tokenExpires')}>{fmtMinute(token.enrolTokenExpiresAt)}</Descriptions.Item>
      </Descriptions>
      <Typography.Text type="secondary">{t('exchange.node.command')}</Typography.Text>
      <pre className="zt-command" style={{ background: '#0b1f3f', color: '#e6f4ff', padding: 12, borderRadius: 4, whiteSpace: 'pre-wrap', wordBreak: 'break-all', margin: 0 }} data-testid="enrol-command">
        {command}
      </pre>
      <Button icon={<CopyOutlined />} onClick={() => copy(command)} data-testid="enrol-command-copy">
        {t('exchange.node.copyCommand')}
      </Button>
    </Space>
  );
}
