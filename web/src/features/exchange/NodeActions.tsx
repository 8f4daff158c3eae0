import { App, Button, Modal, Space, type ButtonProps } from 'antd';
import { useState } from 'react';
import { useProblem } from '../../components/useProblem';
import { useI18n } from '../../i18n';
import { tid } from '../../utils/testid';
import { exchangeApi, type EnrolToken, type ExchangeNode } from './api';
import { ReasonsModal } from './components';
import { EnrolTokenView } from './EnrolTokenView';

/**
 * A node's management steps: a new enrolment token while it is pending (shown once), and revoking
 * it (with reasons, after a confirmation in the modal). Only for holders of exchange.node.manage.
 */
export function NodeActions({ node, onChanged, size = 'small' }: { node: ExchangeNode; onChanged: () => void; size?: 'small' | 'middle' }) {
  const { t } = useI18n();
  const { modal } = App.useApp();
  const showProblem = useProblem();
  const [token, setToken] = useState<EnrolToken | null>(null);
  const [revoking, setRevoking] = useState(false);
  const link = size === 'small';

  const reissue = () =>
    modal.confirm({
      title: t('exchange.node.reissue'),
      content: t('exchange.node.reissueConfirm'),
      okButtonProps: tid<ButtonProps>('node-reissue-confirm'),
      onOk: async () => {
        try {
          setToken(await exchangeApi.reissueToken(node.id));
        } catch (e) {
          showProblem(e);
        }
      },
    });

  return (
    <Space size={link ? 0 : 8}>
      {node.status === 'pending' && (
        <Button type={link ? 'link' : 'default'} size={size} onClick={reissue} data-testid="node-reissue">
          {t('exchange.node.reissue')}
        </Button>
      )}
      {node.status !== 'revoked' && (
        <Button type={link ? 'link' : 'default'} size={size} danger onClick={() => setRevoking(true)} data-testid="node-revoke">
          {t('exchange.node.revoke')}
        </Button>
      )}
      {/* Mounted only while open: a list has one NodeActions per row, and their dialogs must not pile up in the page. */}
      {token && (
        <Modal
          open
          title={t('exchange.node.tokenTitle')}
          onCancel={() => setToken(null)}
          maskClosable={false}
          width={640}
          footer={
            <Button type="primary" onClick={() => setToken(null)} data-testid="enrol-token-done">
              {t('exchange.node.tokenDone')}
            </Button>
          }
        >
          <EnrolTokenView nodeCode={node.code} token={token} />
        </Modal>
      )}
      {revoking && (
        <ReasonsModal
          open
          title={t('exchange.node.revokeTitle', { name: node.name })}
          help={t('exchange.node.revokeHelp')}
          required
          okText={t('exchange.node.revoke')}
          run={(reasons) => exchangeApi.revokeNode(node.id, reasons)}
          onClose={() => setRevoking(false)}
          onDone={() => {
            setRevoking(false);
            onChanged();
          }}
          submitTestId="node-revoke-confirm"
          reasonsTestId="node-revoke-reasons"
        />
      )}
    </Space>
  );
}
