import { QueryClientProvider } from '@tanstack/react-query';
import { App as AntApp, Button, ConfigProvider, Flex, Spin } from 'antd';
import enUS from 'antd/es/locale/en_US';
import zhCN from 'antd/es/locale/zh_CN';
import { lazy, Suspense, useEffect, useSyncExternalStore } from 'react';
import { I18nProvider, useI18n } from '../i18n';
import { queryClient } from '../queries';
import { describeError } from '../ui/error-alert';
import { Problem } from '../ui/problem';
import { navigate, useLocation } from './router';
import { SessionProvider, useSession, type FirstCheck } from './session';
import { Shell } from './shell';

const LoginPage = lazy(() => import('../features/login/login-page'));

const Centered = ({ children }: { children: React.ReactNode }) => (
  <Flex justify="center" align="center" style={{ minHeight: '100vh' }}>
    {children}
  </Flex>
);

function Root(): React.JSX.Element {
  const { state, retry } = useSession();
  const { t } = useI18n();
  const { pathname, search } = useLocation();

  // Signed out: the login page, remembering where the user was going; signed in: never the login page.
  useEffect(() => {
    if (state.status === 'signed-out' && pathname !== '/login') {
      const next =
        pathname === '/' ? '' : `?next=${encodeURIComponent(pathname + (search.size ? `?${search}` : ''))}`;
      navigate(`/login${next}`, { replace: true });
    } else if (state.status === 'signed-in' && pathname === '/login') {
      const next = search.get('next');
      navigate(next?.startsWith('/') && !next.startsWith('//') ? next : '/', { replace: true });
    }
  }, [state.status, pathname, search]);

  switch (state.status) {
    case 'loading':
      return (
        <Centered>
          <Spin size="large" />
        </Centered>
      );
    case 'error':
      return (
        <Centered>
          <Problem
            kind="error"
            title={describeError(state.error, t).title}
            extra={
              <Button type="primary" onClick={retry}>
                {t('error.retry')}
              </Button>
            }
          />
        </Centered>
      );
    case 'signed-out':
      return (
        <Suspense
          fallback={
            <Centered>
              <Spin size="large" />
            </Centered>
          }
        >
          <LoginPage reason={state.reason} />
        </Suspense>
      );
    case 'signed-in':
      return pathname === '/login' ? (
        <Centered>
          <Spin size="large" />
        </Centered>
      ) : (
        <Shell />
      );
  }
}

const REDUCED_MOTION = '(prefers-reduced-motion: reduce)';
const watchReducedMotion = (onChange: () => void): (() => void) => {
  const query = window.matchMedia(REDUCED_MOTION);
  query.addEventListener('change', onChange);
  return () => query.removeEventListener('change', onChange);
};

/** Whether the system asks for less motion; antd's opening, closing and sliding animations are then off. */
function useReducedMotion(): boolean {
  return useSyncExternalStore(watchReducedMotion, () => window.matchMedia(REDUCED_MOTION).matches);
}

function Localised({ children }: { children: React.ReactNode }): React.JSX.Element {
  const { lang } = useI18n();
  const reducedMotion = useReducedMotion();
  return (
    <ConfigProvider
      locale={lang === 'zh-CN' ? zhCN : enUS}
      theme={{ token: { colorPrimary: '#3f51b5', motion: !reducedMotion } }}
    >
      <AntApp>{children}</AntApp>
    </ConfigProvider>
  );
}

/** `firstCheck`: the `auth/me` request main.tsx started before React did. */
export function App({ firstCheck }: { firstCheck: FirstCheck }): React.JSX.Element {
  return (
    <QueryClientProvider client={queryClient}>
      <I18nProvider>
        <Localised>
          <SessionProvider firstCheck={firstCheck}>
            <Root />
          </SessionProvider>
        </Localised>
      </I18nProvider>
    </QueryClientProvider>
  );
}
