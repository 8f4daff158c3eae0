import { Card, Col, Descriptions, Row, Skeleton, Statistic, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { Link } from 'react-router-dom';
import { auditApi } from '../api/audit';
import { calendarApi } from '../api/calendar';
import { useAuth, useMe } from '../auth/AuthContext';
import { RoleTags } from '../components/RoleGrantsInput';
import { useRequest } from '../hooks/useRequest';
import { useI18n } from '../i18n';
import { NAV } from '../nav';
import { TodoCard } from '../features/stats/TodoCard';

function TodayTag() {
  const { t } = useI18n();
  const today = dayjs();
  const { data } = useRequest(() => calendarApi.month(today.year(), today.month() + 1), []);
  const day = data?.items.find((d) => d.date === today.format('YYYY-MM-DD'));
  if (!day) return null;
  return (
    <Tag color={day.working ? 'blue' : 'red'} style={{ marginLeft: 8 }}>
      {day.working ? t('home.workingDay') : t('home.restDay')}
      {day.name ? ` · ${day.name}` : ''}
    </Tag>
  );
}

function AuditOverview() {
  const { t } = useI18n();
  const { data, loading } = useRequest(() => auditApi.status(), []);
  return (
    <Card title={t('home.audit')} extra={<Link to="/audit">{t('nav.audit')}</Link>}>
      {loading && !data ? (
        <Skeleton active paragraph={{ rows: 2 }} />
      ) : data ? (
        <Row gutter={16}>
          <Col span={8}>
            <Statistic title={t('audit.entries')} value={data.entries} />
          </Col>
          <Col span={8}>
            <Statistic title={t('audit.sealed')} value={data.sealed} />
          </Col>
          <Col span={8}>
            <Statistic title={t('audit.unsealed')} value={data.unsealed} />
          </Col>
        </Row>
      ) : null}
    </Card>
  );
}

export default function HomePage() {
  const { t } = useI18n();
  const me = useMe();
  const { can } = useAuth();
  const links = NAV.filter((n) => n.key !== 'home' && (!n.permission || can(n.permission)));

  return (
    <div data-testid="page-home">
      <Card style={{ marginBottom: 16 }}>
        <Typography.Title level={4} style={{ marginTop: 0 }}>
          {t('home.greeting', { name: me.displayName })}
        </Typography.Title>
        <Typography.Text type="secondary">
          {t('home.today', { date: dayjs().format('YYYY-MM-DD dddd') })}
        </Typography.Text>
        <TodayTag />
      </Card>
      <TodoCard />
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={12}>
          <Card title={t('home.profile')} style={{ height: '100%' }}>
            <Descriptions
              column={1}
              size="small"
              items={[
                { key: 'dept', label: t('home.department'), children: <span data-testid="home-department">{me.departmentName}</span> },
                { key: 'div', label: t('home.division'), children: `${me.divisionName}（${me.divisionCode}）` },
                { key: 'roles', label: t('home.roles'), children: me.roles.length ? <RoleTags roles={me.roles} /> : t('home.noRoles') },
              ]}
            />
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card title={t('home.quickLinks')} style={{ height: '100%' }}>
            <Row gutter={[12, 12]}>
              {links.map((n) => (
                <Col key={n.key} xs={12} sm={8}>
                  <Link to={n.path} data-testid={`quick-${n.key}`}>
                    <Card size="small" hoverable style={{ textAlign: 'center' }}>
                      <div style={{ fontSize: 22, color: '#1e50a2' }}>{n.icon}</div>
                      <div style={{ marginTop: 4 }}>{t(n.label)}</div>
                    </Card>
                  </Link>
                </Col>
              ))}
            </Row>
          </Card>
        </Col>
        {can('audit.read') && (
          <Col xs={24}>
            <AuditOverview />
          </Col>
        )}
      </Row>
    </div>
  );
}
