import { Avatar, Breadcrumb, Button, Layout, Menu, Segmented, Space, Spin, Tooltip, Typography, type MenuProps } from 'antd';
import { LogoutOutlined, MenuFoldOutlined, MenuUnfoldOutlined } from '@ant-design/icons';
import { Suspense, useMemo, useState } from 'react';
import { Link, Outlet, useLocation, useNavigate } from 'react-router-dom';
import { useAuth, useMe } from '../auth/AuthContext';
import { useI18n, type Lang } from '../i18n';
import { GROUP_LABEL, NAV, navFor, type NavGroup } from '../nav';
import { Logo } from './Logo';
import { NotificationBell } from '../features/sharing/NotificationBell';

const { Header, Sider, Content, Footer } = Layout;

type MenuItem = NonNullable<MenuProps['items']>[number];

export function AppLayout() {
  const { t, lang, setLang } = useI18n();
  const { can, logout } = useAuth();
  const me = useMe();
  const location = useLocation();
  const navigate = useNavigate();
  const [collapsed, setCollapsed] = useState(false);
  const current = navFor(location.pathname);

  const items = useMemo<MenuItem[]>(() => {
    const visible = NAV.filter((n) => (!n.permission || can(n.permission)) && (!n.anyOf || n.anyOf.some(can)));
    const out: MenuItem[] = [];
    const groups = new Map<NavGroup, MenuItem[]>();
    for (const n of visible) {
      const item = {
        key: n.key,
        icon: n.icon,
        label: <Link to={n.path}>{t(n.label)}</Link>,
        'data-testid': n.testId,
      } as MenuItem;
      if (!n.group) {
        out.push(item);
        continue;
      }
      if (!groups.has(n.group)) {
        const children: MenuItem[] = [];
        groups.set(n.group, children);
        out.push({ type: 'group', key: `group-${n.group}`, label: collapsed ? null : t(GROUP_LABEL[n.group]), children });
      }
      groups.get(n.group)!.push(item);
    }
    // Profile last, after the groups.
    const profileIdx = out.findIndex((i) => i?.key === 'profile');
    if (profileIdx >= 0) out.push(...out.splice(profileIdx, 1));
    return out;
  }, [can, t, collapsed]);

  const crumbs = useMemo(() => {
    const list: { title: React.ReactNode }[] = [{ title: <Link to="/">{t('nav.home')}</Link> }];
    if (current && current.key !== 'home') {
      if (current.group) list.push({ title: t(GROUP_LABEL[current.group]) });
      list.push({ title: t(current.label) });
    }
    return list;
  }, [current, t]);

  const onLogout = async () => {
    await logout();
    navigate('/login', { replace: true });
  };

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Sider
        theme="dark"
        width={232}
        collapsible
        collapsed={collapsed}
        trigger={null}
        breakpoint="lg"
        onBreakpoint={(broken) => setCollapsed(broken)}
        style={{ position: 'sticky', top: 0, height: '100vh', overflow: 'auto' }}
        data-testid="app-sider"
      >
        <Link to="/" className="zt-brand" data-testid="app-brand" title={t('app.fullName')}>
          <Logo size={32} />
          {!collapsed && (
            <span className="zt-brand-text">
              <span className="zt-brand-name">{t('app.name')}</span>
              <span className="zt-brand-sub">{t('app.subtitle')}</span>
            </span>
          )}
        </Link>
        <Menu
          theme="dark"
          mode="inline"
          selectedKeys={current ? [current.key] : []}
          items={items}
          data-testid="app-nav"
        />
      </Sider>
      <Layout>
        <Header className="zt-header">
          <Space size={12} align="center">
            <Button
              type="text"
              icon={collapsed ? <MenuUnfoldOutlined /> : <MenuFoldOutlined />}
              onClick={() => setCollapsed(!collapsed)}
              aria-label="menu"
            />
            <Breadcrumb items={crumbs} data-testid="app-breadcrumb" />
          </Space>
          <Space size={16} align="center">
            <Segmented<Lang>
              size="small"
              value={lang}
              onChange={(v) => setLang(v)}
              options={[
                { value: 'zh', label: t('lang.zh') },
                { value: 'en', label: t('lang.en') },
              ]}
              data-testid="lang-switch"
            />
            <NotificationBell />
            <Link to="/profile" className="zt-user" data-testid="header-user">
              <Avatar size="small" style={{ background: '#1e50a2' }}>
                {me.displayName.slice(0, 1)}
              </Avatar>
              <span className="zt-user-text">
                <Typography.Text strong data-testid="header-user-name">
                  {me.displayName}
                </Typography.Text>
                <Typography.Text type="secondary" style={{ fontSize: 12 }} data-testid="header-user-department">
                  {me.departmentName}
                </Typography.Text>
              </span>
            </Link>
            <Tooltip title={t('header.logout')}>
              <Button icon={<LogoutOutlined />} onClick={onLogout} data-testid="header-logout">
                {t('header.logout')}
              </Button>
            </Tooltip>
          </Space>
        </Header>
        <Content className="zt-content">
          <Suspense fallback={<Spin size="large" style={{ display: 'block', margin: '120px auto' }} />}>
            <Outlet />
          </Suspense>
        </Content>
        <Footer style={{ textAlign: 'center', color: '#8c8c8c', padding: '12px 24px' }}>{t('app.footer')}</Footer>
      </Layout>
    </Layout>
  );
}
