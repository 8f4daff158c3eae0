import { Form, Input, Select } from 'antd';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { useAuth } from '../../auth/AuthContext';
import { CreateButton } from '../../components/CreateButton';
import { FilterCard } from '../../components/FilterCard';
import { PageTitle } from '../../components/PageTitle';
import { usePaging } from '../../hooks/usePaging';
import { useRequest } from '../../hooks/useRequest';
import { useI18n } from '../../i18n';
import { catalogApi, SHARE_TYPES, STATUSES, type ResourceStatus, type ShareType } from './api';
import { options } from './labels';
import { ResourceTable } from './ResourceTable';

interface Filters {
  q?: string;
  status?: ResourceStatus;
  shareType?: ShareType;
}

/** 本部门目录: the data officer's department's entries in every state, and 编制目录. */
export default function CatalogMinePage() {
  const { t } = useI18n();
  const { me } = useAuth();
  const navigate = useNavigate();
  const [form] = Form.useForm<Filters>();
  const [filters, setFilters] = useState<Filters>({});
  const paging = usePaging();
  const { page, pageSize } = paging;
  const list = useRequest(
    () => catalogApi.list({ ...filters, providerDepartmentId: me?.departmentId, page, pageSize }),
    [filters, me?.departmentId, page, pageSize],
  );

  const search = (v: Filters) => {
    paging.setPage(1);
    setFilters({ q: v.q?.trim() || undefined, status: v.status, shareType: v.shareType });
  };

  return (
    <div data-testid="page-catalog-mine">
      <PageTitle
        title={`${t('catalog.mine.title')} · ${me?.departmentName ?? ''}`}
        extra={
          <CreateButton onClick={() => navigate('/catalog/new')} testId="catalog-create">
            {t('catalog.mine.create')}
          </CreateButton>
        }
      />
      <FilterCard<Filters>
        form={form}
        onSearch={search}
        onReset={() => {
          form.resetFields();
          search({});
        }}
        searchTestId="catalog-mine-search"
      >
        <Form.Item name="q" label={t('common.keyword')}>
          <Input allowClear style={{ width: 220 }} placeholder={t('catalog.browse.searchPlaceholder')} data-testid="catalog-mine-q" />
        </Form.Item>
        <Form.Item name="status" label={t('catalog.status')}>
          <Select allowClear placeholder={t('common.all')} style={{ width: 130 }} options={options(t, 'status', STATUSES)} data-testid="catalog-mine-status" />
        </Form.Item>
        <Form.Item name="shareType" label={t('catalog.shareType')}>
          <Select allowClear placeholder={t('common.all')} style={{ width: 140 }} options={options(t, 'shareType', SHARE_TYPES)} data-testid="catalog-mine-share-type" />
        </Form.Item>
      </FilterCard>
      <ResourceTable list={list} paging={paging} testId="catalog-mine-table" showStatus />
    </div>
  );
}
