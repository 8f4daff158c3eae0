import { Form, Input, Select, Space, Typography, type TableColumnsType } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { useAuth } from '../../auth/AuthContext';
import { CreateButton } from '../../components/CreateButton';
import { FilterCard } from '../../components/FilterCard';
import { PagedTable } from '../../components/PagedTable';
import { PageTitle } from '../../components/PageTitle';
import { usePaging } from '../../hooks/usePaging';
import { useRequest } from '../../hooks/useRequest';
import { useI18n, type MessageKey } from '../../i18n';
import { exchangeApi, type ExchangeNode } from './api';
import { NameCode, StatusTag, useDuration } from './components';
import { NodeActions } from './NodeActions';
import { RegisterNodeModal } from './RegisterNodeModal';

const STATUSES = ['pending', 'active', 'revoked'] as const;

interface Filters {
  q?: string;
  status?: (typeof STATUSES)[number];
}

/** 交换节点: the departments' front-end processors with their health; register, reissue, revoke. */
export default function NodesPage() {
  const { t } = useI18n();
  const { can } = useAuth();
  const duration = useDuration();
  const manage = can('exchange.node.manage');
  const [filterForm] = Form.useForm<Filters>();
  const [filters, setFilters] = useState<Filters>({});
  const [registering, setRegistering] = useState(false);
  const paging = usePaging();
  const { page, pageSize } = paging;
  const list = useRequest(() => exchangeApi.nodes({ page, pageSize, ...filters }), [filters, page, pageSize]);

  const columns: TableColumnsType<ExchangeNode> = [
    {
      title: t('exchange.node.name'),
      key: 'node',
      width: 190,
      render: (_v, n) => (
        <Link to={`/exchange/nodes/${n.id}`} data-testid="node-open">
          <NameCode name={n.name} code={n.code} />
        </Link>
      ),
    },
    { title: t('exchange.node.department'), dataIndex: 'departmentName', width: 150 },
    {
      title: t('exchange.node.health'),
      dataIndex: 'health',
      width: 120,
      render: (v: ExchangeNode['health'], n) => (
        <Space orientation="vertical" size={0}>
          <StatusTag kind="health" value={v} testId="node-health" />
          {n.enrolTokenExpiresAt && (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('exchange.node.tokenUntil', { at: dayjs(n.enrolTokenExpiresAt).format('MM-DD HH:mm') })}
            </Typography.Text>
          )}
        </Space>
      ),
    },
    { title: t('exchange.node.lastHeartbeat'), dataIndex: 'lastHeartbeatAt', width: 125, render: (v: string | null) => (v ? dayjs(v).format('MM-DD HH:mm:ss') : '—') },
    { title: t('exchange.node.agentVersion'), dataIndex: 'agentVersion', width: 100, render: (v: string | null) => v ?? '—' },
    { title: t('exchange.node.queueDepth'), dataIndex: 'queueDepth', width: 80, align: 'right' },
    { title: t('exchange.node.lag'), dataIndex: 'lagSeconds', width: 90, align: 'right', render: (v: number, n) => (n.lastHeartbeatAt ? duration(v) : '—') },
    ...(manage
      ? [
          {
            title: t('common.actions'),
            key: 'actions',
            width: 130,
            fixed: 'right' as const,
            render: (_v: unknown, n: ExchangeNode) => <NodeActions node={n} onChanged={list.reload} />,
          },
        ]
      : []),
  ];

  const search = (v: Filters) => {
    paging.setPage(1);
    setFilters({ q: v.q?.trim() || undefined, status: v.status });
  };

  return (
    <div data-testid="page-exchange-nodes">
      <PageTitle
        title={t('exchange.nodes.title')}
        extra={
          manage && (
            <CreateButton onClick={() => setRegistering(true)} testId="node-register">
              {t('exchange.node.register')}
            </CreateButton>
          )
        }
      />
      <FilterCard<Filters>
        form={filterForm}
        onSearch={search}
        onReset={() => {
          filterForm.resetFields();
          search({});
        }}
        searchTestId="nodes-search"
      >
        <Form.Item name="q" label={t('exchange.node.name')}>
          <Input allowClear placeholder={t('exchange.node.searchPlaceholder')} style={{ width: 220 }} data-testid="nodes-filter-q" />
        </Form.Item>
        <Form.Item name="status" label={t('common.status')}>
          <Select
            allowClear
            placeholder={t('common.all')}
            style={{ width: 140 }}
            options={STATUSES.map((s) => ({ value: s, label: t(`exchange.nodeStatus.${s}` as MessageKey) }))}
            data-testid="nodes-filter-status"
          />
        </Form.Item>
      </FilterCard>
      <PagedTable<ExchangeNode>
        list={list}
        paging={paging}
        columns={columns}
        scroll={{ x: 985 }}
        rowTestId="node-row"
        rowData={(n) => ({ 'data-testid': `node-row-${n.code}`, 'data-id': n.id, 'data-health': n.health })}
        data-testid="node-table"
      />
      <RegisterNodeModal open={registering} onClose={() => setRegistering(false)} onRegistered={list.reload} />
    </div>
  );
}
