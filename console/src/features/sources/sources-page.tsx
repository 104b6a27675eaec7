import { Tabs } from 'antd';
import { lazy, Suspense } from 'react';
import { roleAllows } from '../../api-types';
import { navigate, useLocation } from '../../app/router';
import { useUser } from '../../app/session';
import { useI18n } from '../../i18n';
import { Page } from '../../ui/page';
import { SourcesTable } from './sources-table';

const LiveDebugger = lazy(() => import('./live-debugger'));
const RejectedRecords = lazy(() => import('./rejected-records'));
const FileImport = lazy(() => import('./file-import'));

type TabKey = 'list' | 'debugger' | 'rejected' | 'import';

/**
 * Sources: the list with write keys, the live debugger, rejected records with replay, and file
 * import. The open tab (and a source filter) live in the URL, so a link opens the same view.
 */
export default function SourcesPage(): React.JSX.Element {
  const { t } = useI18n();
  const user = useUser();
  const { search } = useLocation();
  const analyst = roleAllows(user.role, 'analyst');
  const admin = roleAllows(user.role, 'admin');
  const wanted = (search.get('tab') ?? 'list') as TabKey;
  const tab: TabKey =
    (wanted === 'debugger' || wanted === 'rejected') && !analyst
      ? 'list'
      : wanted === 'import' && !admin
        ? 'list'
        : wanted;
  const sourceId = search.get('source') ?? undefined;
  const open = (next: TabKey, source?: string) => {
    const params = new URLSearchParams();
    if (next !== 'list') params.set('tab', next);
    if (source) params.set('source', source);
    const qs = params.toString();
    navigate(qs ? `/sources?${qs}` : '/sources');
  };
  const fallback = <div style={{ minHeight: 200 }} />;

  return (
    <Page title={t('sources.title')}>
      <Tabs
        activeKey={tab}
        onChange={(k) => open(k as TabKey)}
        destroyOnHidden
        items={[
          {
            key: 'list',
            label: t('sources.tab.list'),
            children: <SourcesTable onOpenRejected={(id) => open('rejected', id)} />,
          },
          ...(analyst
            ? [
                {
                  key: 'debugger',
                  label: t('sources.tab.debugger'),
                  children: (
                    <Suspense fallback={fallback}>
                      <LiveDebugger sourceId={sourceId} onSource={(id) => open('debugger', id)} />
                    </Suspense>
                  ),
                },
                {
                  key: 'rejected',
                  label: t('sources.tab.rejected'),
                  children: (
                    <Suspense fallback={fallback}>
                      <RejectedRecords sourceId={sourceId} onSource={(id) => open('rejected', id)} />
                    </Suspense>
                  ),
                },
              ]
            : []),
          ...(admin
            ? [
                {
                  key: 'import',
                  label: t('sources.tab.import'),
                  children: (
                    <Suspense fallback={fallback}>
                      <FileImport onOpenRejected={(id) => open('rejected', id)} />
                    </Suspense>
                  ),
                },
              ]
            : []),
        ]}
      />
    </Page>
  );
}
