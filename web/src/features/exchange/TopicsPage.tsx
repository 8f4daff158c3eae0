import { Form, Input, Space, Tag, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { useAuth } from '../../auth/AuthContext';
import { CreateButton } from '../../components/CreateButton';
import { FilterCard } from '../../components/FilterCard';
import { PagedTable } from '../../components/PagedTable';
import { PageTitle } from '../../components/PageTitle';
import { usePaging } from '../../hooks/usePaging';
import { useRequest } from '../../hooks/useRequest';
import { useI18n } from '../../i18n';
import { exchangeApi, type Topic } from './api';
import { NameCode } from './components';
import { CreateTopicModal } from './CreateTopicModal';

/** 主题订阅: event topics on published resources (publish/subscribe); providers open them, consumers subscribe. */
export default function TopicsPage() {
  const { t } = useI18n();
  const { can } = useAuth();
  const navigate = useNavigate();
  const [filterForm] = Form.useForm<{ q?: string }>();
  const [q, setQ] = useState<string | undefined>();
  const [creating, setCreating] = useState(false);
  const paging = usePaging();
  const { page, pageSize } = paging;
  const list = useRequest(() => exchangeApi.topics({ q, page, pageSize }), [q, page, pageSize]);

  const columns: TableColumnsType<Topic> = [
    {
      title: t('exchange.topic.name'),
      key: 'topic',
      width: 220,
      render: (_v, k) => (
        <Link to={`/exchange/topics/${k.id}`} data-testid="topic-open">
          <NameCode name={k.name} code={k.code} />
        </Link>
      ),
    },
    { title: t('exchange.task.resource'), key: 'resource', width: 200, render: (_v, k) => <NameCode name={k.resourceName} code={k.resourceCode} /> },
    { title: t('exchange.task.provider'), dataIndex: 'providerDepartmentName', width: 160 },
    {
      title: t('exchange.topic.eventTypes'),
      dataIndex: 'eventTypes',
      render: (v: string[]) => (
        <Space size={[0, 4]} wrap>
          {v.map((e) => (
            <Tag key={e}>{e}</Tag>
          ))}
        </Space>
      ),
    },
    { title: t('exchange.topic.lastSeq'), dataIndex: 'lastSeq', width: 100, align: 'right' },
    { title: t('exchange.topic.retained'), dataIndex: 'eventsRetained', width: 110, align: 'right' },
    { title: t('exchange.topic.retention'), dataIndex: 'retentionHours', width: 120, align: 'right', render: (v: number) => t('exchange.topic.hours', { n: v }) },
  ];

  return (
    <div data-testid="page-exchange-topics">
      <PageTitle
        title={t('exchange.topics.title')}
        extra={
          can('exchange.task.manage') && (
            <CreateButton onClick={() => setCreating(true)} testId="topic-create">
              {t('exchange.topic.create')}
            </CreateButton>
          )
        }
      />
      <FilterCard<{ q?: string }>
        form={filterForm}
        onSearch={(v) => {
          paging.setPage(1);
          setQ(v.q?.trim() || undefined);
        }}
        onReset={() => {
          filterForm.resetFields();
          paging.setPage(1);
          setQ(undefined);
        }}
        searchTestId="topics-search"
      >
        <Form.Item name="q" label={t('exchange.topic.name')}>
          <Input allowClear placeholder={t('exchange.topic.searchPlaceholder')} style={{ width: 220 }} data-testid="topics-filter-q" />
        </Form.Item>
      </FilterCard>
      <PagedTable<Topic>
        list={list}
        paging={paging}
        columns={columns}
        scroll={{ x: 1100 }}
        rowTestId="topic-row"
        rowData={(k) => ({ 'data-id': k.id, 'data-code': k.code })}
        data-testid="topic-table"
      />
      <CreateTopicModal open={creating} onClose={() => setCreating(false)} onCreated={(k) => navigate(`/exchange/topics/${k.id}`)} />
    </div>
  );
}
