import { Badge, Card, Skeleton, Space, Tag, Typography } from 'antd';
import { Link } from 'react-router-dom';
import type { Page } from '../../api/client';
import { useAuth, useMe } from '../../auth/AuthContext';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useRequest } from '../../hooks/useRequest';
import { useI18n, type MessageKey } from '../../i18n';
import { statsApi } from './api';

const SHOWN = 5;

interface Item {
  id: string;
  title: string;
  detail: string;
  dueDate: string;
  overdue: boolean;
  remaining?: number | null;
  link: string;
}

interface SectionDef {
  key: string;
  title: MessageKey;
  /** Where "see all" goes. */
  all: string;
  load: () => Promise<Page<Item>>;
}

function Section({ def }: { def: SectionDef }) {
  const { t } = useI18n();
  const { data, loading, error, reload } = useRequest(def.load, []);
  return (
    <div data-testid={`todo-section-${def.key}`} style={{ marginBottom: 16 }}>
      <Space style={{ marginBottom: 8 }}>
        <Typography.Text strong>{t(def.title)}</Typography.Text>
        {data && <Badge count={data.total} showZero color={data.total ? '#1e50a2' : '#bfbfbf'} data-testid="todo-count" />}
      </Space>
      {error && <ErrorAlert error={error} onRetry={reload} />}
      {loading && !data ? (
        <Skeleton active title={false} paragraph={{ rows: 2 }} />
      ) : data && data.items.length ? (
        <>
          {data.items.map((i) => (
            <div key={i.id} data-testid="todo-row" data-kind={def.key} data-id={i.id} style={{ display: 'flex', justifyContent: 'space-between', gap: 12, padding: '6px 0', borderBottom: '1px solid #f0f0f0' }}>
              <div style={{ minWidth: 0 }}>
                <Link to={i.link} data-testid="todo-link">
                  {i.title}
                </Link>
                <Typography.Text type="secondary" ellipsis style={{ display: 'block', fontSize: 12 }}>
                  {i.detail}
                </Typography.Text>
              </div>
              <div style={{ whiteSpace: 'nowrap', textAlign: 'right' }}>
                <div>{t('stats.todo.due', { date: i.dueDate })}</div>
                {i.overdue ? (
                  <Tag color="red" data-testid="todo-overdue">
                    {t('stats.todo.overdue')}
                  </Tag>
                ) : i.remaining != null ? (
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {t('stats.todo.daysLeft', { days: i.remaining })}
                  </Typography.Text>
                ) : null}
              </div>
            </div>
          ))}
          {data.total > data.items.length && (
            <Link to={def.all} style={{ display: 'inline-block', marginTop: 6 }} data-testid="todo-more">
              {t('stats.todo.more', { total: data.total })}
            </Link>
          )}
        </>
      ) : data ? (
        <Typography.Text type="secondary" style={{ display: 'block' }}>
          {t('stats.todo.none')}
        </Typography.Text>
      ) : null}
    </div>
  );
}

/**
 * 工作台 to-do card: the department's open catalog update duties, the conditional requests and the
 * disputes waiting for its answer, each with its deadline; for a sharing authority also the overdue
 * ones of its division.
 */
export function TodoCard() {
  const { t } = useI18n();
  const { can } = useAuth();
  const me = useMe();
  const page = { page: 1, pageSize: SHOWN };
  const sections: SectionDef[] = [];

  const duties = (q: Record<string, string | boolean>) => () =>
    statsApi.updateDuties({ ...q, ...page }).then((p) => ({
      ...p,
      items: p.items.map((d) => ({ id: d.id, title: t('stats.todo.dutyTitle', { reason: t(`stats.todo.reason.${d.reason}`), basis: d.basis }), detail: d.departmentName, dueDate: d.dueDate, overdue: d.overdue, remaining: d.remainingWorkingDays, link: `/catalog/update-duties/${d.id}` })),
    }));
  const requests = (q: Record<string, string | boolean>) => () =>
    statsApi.requests({ ...q, ...page }).then((p) => ({
      ...p,
      items: p.items.map((r) => ({ id: r.id, title: r.resourceName, detail: `${t('stats.todo.from', { name: r.consumerDepartmentName })} · ${t('stats.todo.provider', { name: r.providerDepartmentName })}`, dueDate: r.deadlineDate, overdue: r.overdue, remaining: r.workingDaysLeft, link: `/sharing/requests/${r.id}` })),
    }));
  const disputes = (q: Record<string, string | boolean>) => () =>
    statsApi.disputes({ ...q, ...page }).then((p) => ({
      ...p,
      items: p.items.map((d) => ({ id: d.id, title: `${d.resourceName} · ${d.recordKey}`, detail: `${t('stats.todo.from', { name: d.consumerDepartmentName })} · ${t('stats.todo.provider', { name: d.providerDepartmentName })}`, dueDate: d.dueDate, overdue: d.overdue, link: `/sharing/disputes/${d.id}` })),
    }));

  if (can('catalog.manage') || can('sharing.decide')) sections.push({ key: 'update-duties', title: 'stats.todo.updateDuties', all: '/catalog/duties', load: duties({ status: 'open', departmentId: me.departmentId }) });
  if (can('sharing.decide')) {
    sections.push({ key: 'requests', title: 'stats.todo.requests', all: '/sharing/requests', load: requests({ role: 'provider', status: 'pending' }) });
    sections.push({ key: 'disputes', title: 'stats.todo.disputes', all: '/sharing/disputes', load: disputes({ role: 'provider', status: 'open' }) });
  }
  if (can('sharing.arbitrate')) {
    sections.push({ key: 'overdue-update-duties', title: 'stats.todo.overdueUpdateDuties', all: '/catalog/duties', load: duties({ status: 'open', overdue: true }) });
    sections.push({ key: 'overdue-requests', title: 'stats.todo.overdueRequests', all: '/sharing/requests', load: requests({ role: 'authority', overdue: true }) });
    sections.push({ key: 'overdue-disputes', title: 'stats.todo.overdueDisputes', all: '/sharing/disputes', load: disputes({ role: 'authority', overdue: true }) });
  }
  if (!sections.length) return null;

  return (
    <Card title={t('stats.todo.title')} style={{ marginBottom: 16 }} data-testid="todo-card">
      {sections.map((s) => (
        <Section key={s.key} def={s} />
      ))}
    </Card>
  );
}
