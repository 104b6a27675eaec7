import { PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Card, Col, Row, Space, Statistic, Tabs, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { roleAllows } from '../../api-types';
import { navigate, useLocation } from '../../app/router';
import { useUser } from '../../app/session';
import { useI18n } from '../../i18n';
import { ErrorAlert } from '../../ui/error-alert';
import { Page } from '../../ui/page';
import { tagCatalogueQuery, tagCategoriesQuery } from './api';
import { Catalogue } from './catalogue';
import { NewTagModal } from './new-tag-modal';
import { RefreshButton } from './refresh-button';
import { TemplatesTab } from './templates-tab';
import { TraitsTab } from './traits-tab';

const TABS = ['catalogue', 'templates', 'traits'] as const;
type TabKey = (typeof TABS)[number];

/** The tag catalogue by category with coverage, the built-in templates, and the computed traits. */
export default function TagsPage(): React.JSX.Element {
  const { t, formatNumber, formatDate } = useI18n();
  const user = useUser();
  const canEdit = roleAllows(user.role, 'marketer');
  const { search } = useLocation();
  const tab: TabKey = (TABS as readonly string[]).includes(search.get('tab') ?? '')
    ? (search.get('tab') as TabKey)
    : 'catalogue';
  const [creating, setCreating] = useState(false);
  const queryClient = useQueryClient();

  const list = useQuery(tagCatalogueQuery);
  const categories = useQuery(tagCategoriesQuery);
  const tags = useMemo(() => list.data?.tags ?? [], [list.data]);
  // Every tag's coverage and distribution come with the list, in one request.
  const details = useMemo(() => new Map(tags.map((x) => [x.key, x])), [tags]);
  const detailsPending = list.isPending;

  const active = tags.filter((x) => x.status === 'active');
  const activeStats = active.map((x) => details.get(x.key)?.stats).filter((s) => s != null);
  const avgCoverage =
    activeStats.length > 0 ? activeStats.reduce((n, s) => n + s.coverage, 0) / activeStats.length : null;
  const people = activeStats[0]?.profiles ?? null;
  const lastRefresh = activeStats
    .map((s) => s.lastRefresh?.refreshed_at)
    .filter((x): x is string => !!x)
    .sort()
    .at(-1);

  const setTab = (k: string) => navigate(k === 'catalogue' ? '/tags' : `/tags?tab=${k}`, { replace: true });
  const refetchAll = () => {
    void list.refetch();
    void queryClient.invalidateQueries({ queryKey: ['tag'] });
  };

  return (
    <Page
      title={t('tags.title')}
      extra={
        <Space wrap>
          <Button icon={<ReloadOutlined />} onClick={refetchAll} loading={list.isFetching}>
            {t('common.refresh')}
          </Button>
          {canEdit && <RefreshButton />}
          {canEdit && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
              {t('tags.new')}
            </Button>
          )}
        </Space>
      }
    >
      {list.error && <ErrorAlert error={list.error} onRetry={() => void list.refetch()} />}
      <Row gutter={[16, 16]}>
        <Col xs={12} xl={6}>
          <Card size="small" data-testid="tags-count">
            <Statistic
              title={t('tags.activeTags')}
              value={`${formatNumber(active.length)} / ${formatNumber(tags.length)}`}
            />
          </Card>
        </Col>
        <Col xs={12} xl={6}>
          <Card size="small" data-testid="tags-avg-coverage">
            <Statistic
              title={t('tags.avgCoverage')}
              loading={detailsPending && tags.length > 0}
              value={
                avgCoverage === null
                  ? '—'
                  : formatNumber(avgCoverage, { style: 'percent', maximumFractionDigits: 1 })
              }
            />
          </Card>
        </Col>
        <Col xs={12} xl={6}>
          <Card size="small">
            <Statistic title={t('tags.people')} value={people === null ? '—' : formatNumber(people)} />
          </Card>
        </Col>
        <Col xs={12} xl={6}>
          <Card size="small">
            <Statistic
              title={t('tags.lastRefresh')}
              value={lastRefresh ? formatDate(lastRefresh) : t('common.never')}
              styles={{ content: { fontSize: 18, lineHeight: '38px' } }}
            />
          </Card>
        </Col>
      </Row>
      <Tabs
        activeKey={tab}
        onChange={setTab}
        items={[
          {
            key: 'catalogue',
            label: t('tags.tab.catalogue'),
            children: (
              <Catalogue
                tags={tags}
                loading={list.isPending}
                categories={categories.data?.categories ?? []}
                details={details}
                detailsPending={detailsPending}
              />
            ),
          },
          {
            key: 'templates',
            label: t('tags.tab.templates'),
            children: (
              <TemplatesTab tags={tags} loading={list.isPending} details={details} canEdit={canEdit} />
            ),
          },
          { key: 'traits', label: t('tags.tab.traits'), children: <TraitsTab canEdit={canEdit} /> },
        ]}
      />
      {canEdit && (
        <NewTagModal
          open={creating}
          categories={categories.data?.categories ?? []}
          onClose={() => setCreating(false)}
        />
      )}
      {!canEdit && (
        <Typography.Text type="secondary" data-testid="tags-read-only">
          {t('tags.readOnly')}
        </Typography.Text>
      )}
    </Page>
  );
}
