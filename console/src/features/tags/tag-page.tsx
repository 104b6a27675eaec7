import { ArrowLeftOutlined, ReloadOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import {
  Button,
  Card,
  Col,
  Descriptions,
  Empty,
  Flex,
  Progress,
  Row,
  Segmented,
  Skeleton,
  Space,
  Statistic,
  Tabs,
  Tag as AntTag,
  Typography,
} from 'antd';
import { useMemo, useState } from 'react';
import { isNotFound } from '../../api';
import { roleAllows } from '../../api-types';
import { Link, navigate, useLocation } from '../../app/router';
import type { PageProps } from '../../app/routes';
import { useUser } from '../../app/session';
import { useI18n } from '../../i18n';
import { ErrorAlert } from '../../ui/error-alert';
import { Page } from '../../ui/page';
import { Problem } from '../../ui/problem';
import { tagCategoriesQuery, tagQuery, tagVersionsQuery, type TagDetail } from './api';
import { AssignmentsCard } from './assignments-card';
import { distributionOption, summaryOption } from './charts';
import { DefinitionEditor } from './definition-editor';
import { HistoryCard } from './history-card';
import { KindTag } from './kind-tag';
import { RefreshButton } from './refresh-button';
import { StatusControl } from './status-control';
import { templateFamily, tagName } from './templates';
import { useActorName } from './use-actor';
import { VersionsCard } from './versions-card';
import { EChart } from '../../ui/echart';

const TABS = ['definition', 'history', 'versions', 'assignments'] as const;
type TabKey = (typeof TABS)[number];

function StatsRow({ tag }: { tag: TagDetail }): React.JSX.Element {
  const i18n = useI18n();
  const { t, formatNumber, formatDate } = i18n;
  const [kind, setKind] = useState<'bar' | 'pie'>('bar');
  const s = tag.stats;
  const numeric = !!s && s.values.length === 0 && s.summary !== null;
  const option = useMemo(
    () =>
      s
        ? numeric && s.summary
          ? summaryOption(s.summary, i18n)
          : s.values.length > 0
            ? distributionOption(s.values, i18n, kind)
            : null
        : null,
    [s, numeric, kind, i18n],
  );
  const title = t('tags.distribution');
  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} lg={8}>
        <Card title={t('tags.coverage')} size="small" style={{ height: '100%' }}>
          {s ? (
            <Flex vertical gap={12}>
              <Statistic
                value={formatNumber(s.coverage, { style: 'percent', maximumFractionDigits: 1 })}
                data-testid="tag-coverage"
              />
              <Progress percent={s.coverage * 100} showInfo={false} />
              <Typography.Text type="secondary">
                {t('tags.coverageDetail', {
                  valued: formatNumber(s.valued),
                  profiles: formatNumber(s.profiles),
                })}
              </Typography.Text>
              <Descriptions
                size="small"
                column={1}
                items={[
                  {
                    key: 'at',
                    label: t('tags.lastRefresh'),
                    children: s.lastRefresh ? formatDate(s.lastRefresh.refreshed_at) : t('common.never'),
                  },
                  ...(s.lastRefresh
                    ? [
                        {
                          key: 'v',
                          label: t('tags.refreshedVersion'),
                          children:
                            s.lastRefresh.version === tag.version ? (
                              `v${s.lastRefresh.version}`
                            ) : (
                              <AntTag color="orange">
                                {t('tags.staleVersion', {
                                  refreshed: s.lastRefresh.version,
                                  current: tag.version,
                                })}
                              </AntTag>
                            ),
                        },
                        {
                          key: 'mode',
                          label: t('tags.refreshMode'),
                          children: `${s.lastRefresh.mode} · ${formatNumber(s.lastRefresh.millis)} ms`,
                        },
                      ]
                    : []),
                ]}
              />
            </Flex>
          ) : (
            <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('tags.noStats')} />
          )}
        </Card>
      </Col>
      <Col xs={24} lg={16}>
        <Card
          title={title}
          size="small"
          style={{ height: '100%' }}
          extra={
            option &&
            !numeric && (
              <Segmented<'bar' | 'pie'>
                size="small"
                value={kind}
                onChange={setKind}
                options={[
                  { value: 'bar', label: t('tags.chart.bar') },
                  { value: 'pie', label: t('tags.chart.pie') },
                ]}
              />
            )
          }
        >
          {option ? (
            <EChart option={option} label={title} height={300} />
          ) : (
            <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('tags.noStats')} />
          )}
        </Card>
      </Col>
    </Row>
  );
}

/** One tag: its coverage and distribution, rule editor, history, versions and (manual tags) assignments. */
export default function TagPage({ params }: PageProps): React.JSX.Element {
  const { t, tryT, lang, formatDate } = useI18n();
  const key = params.key ?? '';
  const user = useUser();
  const canEdit = roleAllows(user.role, 'marketer');
  const actor = useActorName();
  const { search } = useLocation();
  const q = useQuery(tagQuery(key));
  const categories = useQuery(tagCategoriesQuery);
  const tag = q.data;
  const family = tag ? templateFamily(tag) : null;
  // A template's first version holds its defaults (the server installs them as version 1).
  const versions = useQuery({ ...tagVersionsQuery(key), enabled: family !== null });
  const defaults = family
    ? (versions.data?.versions.find((v) => v.version === 1)?.definition.spec ?? null)
    : null;

  const manual = tag?.definition.spec.kind === 'manual';
  const wanted = search.get('tab');
  const tab: TabKey =
    (TABS as readonly string[]).includes(wanted ?? '') && (wanted !== 'assignments' || manual)
      ? (wanted as TabKey)
      : 'definition';
  const setTab = (k: string) =>
    navigate(k === 'definition' ? `/tags/${key}` : `/tags/${key}?tab=${k}`, { replace: true });

  const back = (
    <Link to="/tags">
      <ArrowLeftOutlined /> {t('tags.back')}
    </Link>
  );
  if (q.error) {
    return (
      <Flex vertical gap={16}>
        {back}
        {isNotFound(q.error) ? (
          <Problem kind="missing" title={t('tags.notFound', { key })} />
        ) : (
          <ErrorAlert error={q.error} onRetry={() => void q.refetch()} />
        )}
      </Flex>
    );
  }
  if (!tag) {
    return (
      <Flex vertical gap={16}>
        {back}
        <Skeleton active paragraph={{ rows: 10 }} />
      </Flex>
    );
  }
  const categoryName =
    categories.data?.categories.find((c) => c.key === tag.definition.category)?.name[lang] ??
    tag.definition.category;

  return (
    <Flex vertical gap={16}>
      {back}
      <Page
        title={<span data-testid="tag-title">{tagName(tag, lang)}</span>}
        extra={
          <Space wrap>
            <Button icon={<ReloadOutlined />} onClick={() => void q.refetch()} loading={q.isFetching}>
              {t('common.refresh')}
            </Button>
            {canEdit && <RefreshButton keys={[tag.key]} disabled={tag.status !== 'active'} />}
          </Space>
        }
      >
        <Card size="small">
          <Descriptions
            size="small"
            column={{ xs: 1, md: 2, xl: 4 }}
            items={[
              {
                key: 'key',
                label: t('tags.key'),
                children: <Typography.Text code>{tag.key}</Typography.Text>,
              },
              { key: 'category', label: t('tags.category'), children: <AntTag>{categoryName}</AntTag> },
              { key: 'kind', label: t('common.kind'), children: <KindTag tag={tag} /> },
              {
                key: 'status',
                label: t('common.status'),
                children: <StatusControl tag={tag} canEdit={canEdit} />,
              },
              { key: 'version', label: t('common.version'), children: `v${tag.version}` },
              {
                key: 'schedule',
                label: t('tags.schedule'),
                children: tryT(`schedule.${tag.definition.schedule}`) ?? tag.definition.schedule,
              },
              { key: 'owner', label: t('tags.owner'), children: tag.definition.owner || '—' },
              {
                key: 'created',
                label: t('tags.versionCreated'),
                children: `${formatDate(tag.createdAt)} · ${actor(tag.createdBy)}`,
              },
              ...(tag.definition.description
                ? [
                    {
                      key: 'desc',
                      label: t('tags.description'),
                      span: 'filled' as const,
                      children: tag.definition.description,
                    },
                  ]
                : []),
            ]}
          />
        </Card>
        <StatsRow key={tag.key} tag={tag} />
        <Tabs
          activeKey={tab}
          onChange={setTab}
          items={[
            {
              key: 'definition',
              label: t('tags.tab.definition'),
              children: (
                <DefinitionEditor
                  key={tag.key}
                  tag={tag}
                  categories={categories.data?.categories ?? []}
                  defaults={defaults}
                  canEdit={canEdit}
                />
              ),
            },
            {
              key: 'history',
              label: t('tags.tab.history'),
              children: <HistoryCard key={tag.key} tagKey={tag.key} />,
            },
            {
              key: 'versions',
              label: t('tags.tab.versions'),
              children: <VersionsCard key={tag.key} tag={tag} canEdit={canEdit} />,
            },
            ...(manual
              ? [
                  {
                    key: 'assignments',
                    label: t('tags.tab.assignments'),
                    children: <AssignmentsCard key={tag.key} tagKey={tag.key} canEdit={canEdit} />,
                  },
                ]
              : []),
          ]}
        />
      </Page>
    </Flex>
  );
}
