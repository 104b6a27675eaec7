import {
  ArrowLeftOutlined,
  CameraOutlined,
  CopyOutlined,
  DownOutlined,
  InboxOutlined,
  PlayCircleOutlined,
  ReloadOutlined,
  SyncOutlined,
} from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Dropdown, Flex, Skeleton, Space, Statistic, Tabs, Tag, Typography } from 'antd';
import { roleAllows } from '../../api-types';
import { Link, navigate, useLocation } from '../../app/router';
import type { PageProps } from '../../app/routes';
import { useUser } from '../../app/session';
import { useI18n } from '../../i18n';
import { ErrorAlert, useShowError } from '../../ui/error-alert';
import { Page } from '../../ui/page';
import { StatusTag } from '../../ui/status-tag';
import { useActorName } from './actor-name';
import { segmentsApi, type SegmentDetail } from './api';
import { DefinitionTab, type NewSegmentSeed } from './definition-tab';
import { DestinationsTab } from './destinations-tab';
import { ExportTab } from './export-tab';
import { MembersTab } from './members-tab';
import { OverlapTab } from './overlap-tab';
import { TgiTab } from './tgi-tab';
import { SizesTab } from './sizes-tab';
import { TEMPLATES } from './templates';
import { VersionsTab } from './versions-tab';

/** `/segments/:id`: one segment's definition, members, sizes, overlap, export, sync and versions; `new` makes one. */

const TABS = [
  'definition',
  'members',
  'sizes',
  'overlap',
  'tgi',
  'export',
  'destinations',
  'versions',
] as const;
type TabKey = (typeof TABS)[number];

const back = (label: string) => (
  <Link to="/segments">
    <ArrowLeftOutlined /> {label}
  </Link>
);

function NewSegment(): React.JSX.Element {
  const { t } = useI18n();
  const user = useUser();
  const { search } = useLocation();
  const from = search.get('from');
  const template = TEMPLATES.find((x) => x.key === search.get('template'));
  const source = useQuery({
    queryKey: ['segment', from],
    queryFn: ({ signal }) => segmentsApi.get(from!, signal),
    enabled: from !== null,
  });
  let seed: NewSegmentSeed = {};
  if (template)
    seed = { name: t(template.name), description: t(template.description), condition: template.condition };
  else if (source.data)
    seed = {
      name: t('segments.copyOf', { name: source.data.name }),
      description: source.data.description,
      condition: source.data.condition ?? undefined,
    };
  return (
    <Page title={t('segments.new')} extra={back(t('segments.back'))}>
      {source.error && <ErrorAlert error={source.error} />}
      {from !== null && source.isPending ? (
        <Skeleton active />
      ) : (
        <DefinitionTab
          key={`${template?.key ?? ''}:${from ?? ''}`}
          segment={null}
          seed={seed}
          canWrite={roleAllows(user.role, 'marketer')}
        />
      )}
    </Page>
  );
}

function Actions({ segment }: { segment: SegmentDetail }): React.JSX.Element | null {
  const { t, formatNumber } = useI18n();
  const { message, modal } = App.useApp();
  const showError = useShowError();
  const queryClient = useQueryClient();
  const done = (s?: SegmentDetail) => {
    if (s && s.id === segment.id) queryClient.setQueryData(['segment', s.id], s);
    void queryClient.invalidateQueries({ queryKey: ['segment', segment.id] });
    void queryClient.invalidateQueries({ queryKey: ['segments'] });
  };
  const refresh = useMutation({
    mutationFn: () => segmentsApi.refresh(segment.id),
    onSuccess: () => {
      done();
      void message.success(t('segments.action.refreshed'));
    },
    onError: showError,
  });
  const status = useMutation({
    mutationFn: (a: 'archive' | 'activate') => segmentsApi.setStatus(segment.id, a),
    onSuccess: (s) => done(s),
    onError: showError,
  });
  const snapshot = useMutation({
    mutationFn: () => segmentsApi.snapshot(segment.id),
    onSuccess: (s) => {
      done();
      void message.success(t('segments.action.snapshotted', { size: formatNumber(s.size ?? 0) }));
      navigate(`/segments/${s.id}`);
    },
    onError: showError,
  });
  const archived = segment.status === 'archived';
  const items = [
    ...(segment.kind === 'dynamic' && !archived
      ? [
          { key: 'refresh', icon: <SyncOutlined />, label: t('segments.action.refresh') },
          { key: 'snapshot', icon: <CameraOutlined />, label: t('segments.action.snapshot') },
        ]
      : []),
    ...(segment.kind === 'dynamic'
      ? [
          { key: 'copy', icon: <CopyOutlined />, label: t('segments.action.copy') },
          { type: 'divider' as const },
        ]
      : []),
    archived
      ? { key: 'activate', icon: <PlayCircleOutlined />, label: t('segments.action.activate') }
      : { key: 'archive', icon: <InboxOutlined />, label: t('segments.action.archive'), danger: true },
  ];
  const onClick = ({ key }: { key: string }) => {
    if (key === 'refresh') refresh.mutate();
    else if (key === 'snapshot') snapshot.mutate();
    else if (key === 'copy') navigate(`/segments/new?from=${segment.id}`);
    else if (key === 'activate') status.mutate('activate');
    else if (key === 'archive')
      modal.confirm({
        title: t('segments.action.archiveConfirm', { name: segment.name }),
        content: t('segments.action.archiveHint'),
        okText: t('segments.action.archive'),
        okButtonProps: { danger: true },
        cancelText: t('common.cancel'),
        onOk: () => status.mutateAsync('archive'),
      });
  };
  const busy = refresh.isPending || status.isPending || snapshot.isPending;
  return (
    <Dropdown menu={{ items, onClick }} trigger={['click']}>
      <Button loading={busy} data-testid="segment-actions">
        {t('segments.action.more')} <DownOutlined />
      </Button>
    </Dropdown>
  );
}

function ExistingSegment({ id }: { id: string }): React.JSX.Element {
  const { t, formatDate, formatNumber } = useI18n();
  const user = useUser();
  const { search } = useLocation();
  const q = useQuery({ queryKey: ['segment', id], queryFn: ({ signal }) => segmentsApi.get(id, signal) });
  const s = q.data;
  const asked = search.get('tab');
  const tab: TabKey = TABS.includes(asked as TabKey) ? (asked as TabKey) : 'definition';
  const canWrite = roleAllows(user.role, 'marketer');
  const actor = useActorName();

  if (q.error)
    return (
      <Page title={id} extra={back(t('segments.back'))}>
        <ErrorAlert error={q.error} onRetry={() => void q.refetch()} />
      </Page>
    );
  if (!s)
    return (
      <Page title={id} extra={back(t('segments.back'))}>
        <Skeleton active paragraph={{ rows: 10 }} />
      </Page>
    );

  const panes: Array<{ key: TabKey; label: string; children: React.JSX.Element }> = [
    {
      key: 'definition',
      label: t('segments.tab.definition'),
      children: <DefinitionTab key={s.version} segment={s} canWrite={canWrite} />,
    },
    { key: 'members', label: t('segments.tab.members'), children: <MembersTab segment={s} /> },
    { key: 'sizes', label: t('segments.tab.sizes'), children: <SizesTab segment={s} /> },
    { key: 'overlap', label: t('segments.tab.overlap'), children: <OverlapTab segment={s} /> },
    { key: 'tgi', label: t('segments.tab.tgi'), children: <TgiTab segment={s} /> },
    { key: 'export', label: t('segments.tab.export'), children: <ExportTab segment={s} /> },
    { key: 'destinations', label: t('segments.tab.destinations'), children: <DestinationsTab segment={s} /> },
    { key: 'versions', label: t('segments.tab.versions'), children: <VersionsTab segment={s} /> },
  ];
  return (
    <Page
      title={
        <Space orientation="vertical" size={0}>
          <span data-testid="segment-title">{s.name}</span>
          <Typography.Text type="secondary" copyable style={{ fontSize: 13, fontWeight: 'normal' }}>
            {s.id}
          </Typography.Text>
        </Space>
      }
      extra={
        <Space wrap>
          {back(t('segments.back'))}
          <Button icon={<ReloadOutlined />} onClick={() => void q.refetch()} loading={q.isFetching}>
            {t('common.refresh')}
          </Button>
          {canWrite && <Actions segment={s} />}
        </Space>
      }
    >
      <Card size="small">
        <Flex wrap gap={32} align="center">
          <Statistic
            title={t('segments.size')}
            value={s.size === null ? '—' : formatNumber(s.size)}
            styles={{ content: { fontSize: 22 } }}
          />
          <Flex vertical gap={4}>
            <Space wrap>
              <StatusTag status={s.status} />
              <Tag>{t(`segments.kind.${s.kind === 'static' ? 'static' : 'dynamic'}`)}</Tag>
              {s.realtime && <Tag color="blue">{t('segments.realtime')}</Tag>}
              {s.live && <Tag color="green">{t('segments.live')}</Tag>}
              <Tag>v{s.version}</Tag>
            </Space>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('segments.meta', {
                changed: formatDate(s.changedAt),
                created: formatDate(s.createdAt),
                by: actor(s.createdBy),
              })}
            </Typography.Text>
          </Flex>
          {s.description && <Typography.Text type="secondary">{s.description}</Typography.Text>}
        </Flex>
      </Card>
      <Tabs
        activeKey={tab}
        onChange={(k) =>
          navigate(`/segments/${s.id}${k === 'definition' ? '' : `?tab=${k}`}`, { replace: true })
        }
        items={panes}
      />
    </Page>
  );
}

export default function SegmentPage({ params }: PageProps): React.JSX.Element {
  const id = params.id ?? '';
  return id === 'new' ? <NewSegment /> : <ExistingSegment key={id} id={id} />;
}
