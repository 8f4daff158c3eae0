import { Badge, Button, Empty, List, Popover, Space, Typography } from 'antd';
import { BellOutlined } from '@ant-design/icons';
import { useEffect, useState } from 'react';
import { useLocation, useNavigate } from 'react-router-dom';
import { useRequest } from '../../hooks/useRequest';
import { useProblem } from '../../components/useProblem';
import { useI18n } from '../../i18n';
import { fmtMinute } from '../../utils/format';
import { sharingApi, type Notice } from './api';

const POLL_MS = 60_000;

/** The header bell: the department's notices, newest first, with the unread count; a click marks one read and opens it. */
export function NotificationBell() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const showProblem = useProblem();
  const { pathname } = useLocation();
  const [open, setOpen] = useState(false);
  // Fresh on every page the user opens, and every minute while one stays open.
  const list = useRequest(() => sharingApi.notices({ pageSize: 10 }), [pathname]);
  const { reload } = list;

  useEffect(() => {
    const timer = setInterval(reload, POLL_MS);
    return () => clearInterval(timer);
  }, [reload]);

  const openNotice = async (n: Notice) => {
    setOpen(false);
    try {
      if (!n.read) await sharingApi.markRead(n.id);
    } catch (e) {
      showProblem(e);
    }
    reload();
    navigate(n.link);
  };
  const readAll = async () => {
    try {
      await sharingApi.markAllRead();
    } catch (e) {
      showProblem(e);
    }
    reload();
  };

  const unread = list.data?.unread ?? 0;
  const content = (
    <div style={{ width: 360 }} data-testid="notification-panel">
      {list.data?.items.length ? (
        <List<Notice>
          size="small"
          dataSource={list.data.items}
          renderItem={(n) => (
            <List.Item
              key={n.id}
              onClick={() => openNotice(n)}
              style={{ cursor: 'pointer', opacity: n.read ? 0.6 : 1 }}
              data-testid="notification-item"
              data-kind={n.kind}
              data-read={String(n.read)}
            >
              <Space orientation="vertical" size={0}>
                <Typography.Text strong={!n.read}>{n.title}</Typography.Text>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {fmtMinute(n.createdAt)}
                </Typography.Text>
              </Space>
            </List.Item>
          )}
        />
      ) : (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('sharing.notice.none')} />
      )}
    </div>
  );

  return (
    <Popover
      open={open}
      onOpenChange={(v) => {
        setOpen(v);
        if (v) reload();
      }}
      trigger="click"
      placement="bottomRight"
      title={
        <Space style={{ width: '100%', justifyContent: 'space-between' }}>
          {t('sharing.notice.title')}
          <Button type="link" size="small" disabled={!unread} onClick={readAll} data-testid="notification-read-all">
            {t('sharing.notice.readAll')}
          </Button>
        </Space>
      }
      content={content}
    >
      <Badge count={unread} size="small" data-testid="notification-count">
        <Button type="text" icon={<BellOutlined />} aria-label={t('sharing.notice.title')} data-testid="notification-bell" data-unread={unread} />
      </Badge>
    </Popover>
  );
}
