import { LogoutOutlined } from '@ant-design/icons';
import { Avatar, Button, Flex, Layout, Menu, Space, Spin, Tag, theme, Typography } from 'antd';
import { Suspense, useMemo } from 'react';
import { roleAllows } from '../api-types';
import { useI18n } from '../i18n';
import { ErrorBoundary } from '../ui/error-boundary';
import { LanguageSwitch } from '../ui/language-switch';
import { Problem } from '../ui/problem';
import { Link, matchPath, navigate, useLocation } from './router';
import { NAV, ROUTES } from './routes';
import { useSession, useUser } from './session';

const ROLE_COLOR = { viewer: 'default', analyst: 'blue', marketer: 'purple', admin: 'gold' } as const;

function findRoute(pathname: string) {
  for (const r of ROUTES) {
    const params = matchPath(r.pattern, pathname);
    if (params) return { route: r, params };
  }
  return null;
}

/** The signed-in console: the menu the user's role may see, the header, and the current page. */
export function Shell(): React.JSX.Element {
  const { t } = useI18n();
  const user = useUser();
  const { logout } = useSession();
  const { pathname } = useLocation();
  const { token } = theme.useToken();

  const nav = useMemo(() => NAV.filter((n) => roleAllows(user.role, n.role)), [user.role]);
  const found = findRoute(pathname);
  const navItem = found ? NAV.find((n) => n.key === found.route.nav) : undefined;
  const allowed = navItem ? roleAllows(user.role, navItem.role) : false;

  let content: React.JSX.Element;
  if (!found || !navItem) {
    content = (
      <Problem kind="missing" title={t('app.notFound')} extra={<Link to="/">{t('app.backHome')}</Link>} />
    );
  } else if (!allowed) {
    content = (
      <Problem
        kind="forbidden"
        title={t('app.forbidden', { role: t(`role.${user.role}`) })}
        extra={<Link to="/">{t('app.backHome')}</Link>}
      />
    );
  } else {
    const Page = found.route.page;
    content = <Page params={found.params} />;
  }

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Sider breakpoint="lg" collapsedWidth={64} width={200}>
        <Flex align="center" justify="center" style={{ height: 64 }}>
          <Link to="/" style={{ color: '#fff', fontSize: 18, fontWeight: 600 }}>
            {t('app.name')}
          </Link>
        </Flex>
        <Menu
          theme="dark"
          mode="inline"
          selectedKeys={navItem ? [navItem.key] : []}
          items={nav.map((n) => ({ key: n.key, icon: n.icon, label: t(n.label) }))}
          onClick={({ key }) => {
            const item = nav.find((n) => n.key === key);
            if (item) navigate(item.path);
          }}
        />
      </Layout.Sider>
      <Layout>
        <Layout.Header
          style={{
            background: token.colorBgContainer,
            borderBottom: `1px solid ${token.colorBorderSecondary}`,
            padding: '0 24px',
          }}
        >
          <Flex justify="space-between" align="center" style={{ height: '100%' }}>
            <Typography.Text type="secondary">{t('app.tagline')}</Typography.Text>
            <Space size="middle">
              <LanguageSwitch />
              <Space size="small" data-testid="current-user">
                <Avatar size="small" style={{ background: token.colorPrimary }}>
                  {user.displayName.slice(0, 1).toUpperCase()}
                </Avatar>
                <Typography.Text>{user.displayName}</Typography.Text>
                <Tag color={ROLE_COLOR[user.role]}>{t(`role.${user.role}`)}</Tag>
              </Space>
              <Button icon={<LogoutOutlined />} onClick={() => void logout()}>
                {t('auth.logout')}
              </Button>
            </Space>
          </Flex>
        </Layout.Header>
        <Layout.Content style={{ padding: 24 }}>
          <ErrorBoundary
            key={pathname}
            title={t('error.title')}
            chunkHint={t('app.chunkFailed')}
            reloadLabel={t('app.reload')}
          >
            <Suspense
              fallback={
                <Flex justify="center" style={{ padding: 48 }}>
                  <Spin />
                </Flex>
              }
            >
              {content}
            </Suspense>
          </ErrorBoundary>
        </Layout.Content>
      </Layout>
    </Layout>
  );
}

/** Starts loading the page chunk of a path before React asks for it (in parallel with `auth/me`). */
export function preloadPage(pathname: string): void {
  const found = findRoute(pathname);
  if (found)
    found.route.load().catch((err: unknown) => console.warn('page chunk could not be preloaded', err));
}
