import { Form, Input, Select } from 'antd';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { useAuth } from '../../auth/AuthContext';
import { CreateButton } from '../../components/CreateButton';
import { FilterCard } from '../../components/FilterCard';
import { PageTitle } from '../../components/PageTitle';
import { usePaging } from '../../hooks/usePaging';
import { useRequest } from '../../hooks/useRequest';
import { useI18n, type MessageKey } from '../../i18n';
import { exchangeApi, TASK_STATUSES, type TaskStatus } from './api';
import { TaskTable } from './TaskTable';

interface Filters {
  q?: string;
  status?: TaskStatus;
}

/** 交换任务: the tasks where the user's departments provide or consume. */
export default function TasksPage() {
  const { t } = useI18n();
  const { can } = useAuth();
  const navigate = useNavigate();
  const [filterForm] = Form.useForm<Filters>();
  const [filters, setFilters] = useState<Filters>({});
  const paging = usePaging();
  const { page, pageSize } = paging;
  const list = useRequest(() => exchangeApi.tasks({ page, pageSize, ...filters }), [filters, page, pageSize]);

  const search = (v: Filters) => {
    paging.setPage(1);
    setFilters({ q: v.q?.trim() || undefined, status: v.status });
  };

  return (
    <div data-testid="page-exchange-tasks">
      <PageTitle
        title={t('exchange.tasks.title')}
        extra={
          can('exchange.task.manage') && (
            <CreateButton onClick={() => navigate('/exchange/tasks/new')} testId="task-create">
              {t('exchange.task.create')}
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
        searchTestId="tasks-search"
      >
        <Form.Item name="q" label={t('exchange.task.name')}>
          <Input allowClear placeholder={t('exchange.task.searchPlaceholder')} style={{ width: 220 }} data-testid="tasks-filter-q" />
        </Form.Item>
        <Form.Item name="status" label={t('common.status')}>
          <Select
            allowClear
            placeholder={t('common.all')}
            style={{ width: 140 }}
            options={TASK_STATUSES.map((s) => ({ value: s, label: t(`exchange.taskStatus.${s}` as MessageKey) }))}
            data-testid="tasks-filter-status"
          />
        </Form.Item>
      </FilterCard>
      <TaskTable list={list} paging={paging} testId="task-table" />
    </div>
  );
}
