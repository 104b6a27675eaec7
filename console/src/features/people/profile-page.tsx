import { ArrowLeftOutlined, ReloadOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import {
  Alert,
  Button,
  Card,
  Col,
  Descriptions,
  Empty,
  Flex,
  Row,
  Skeleton,
  Space,
  Table,
  Tabs,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import { api } from '../../api';
import { sourcesQuery } from '../../queries';
import { roleAllows, type Merge, type Profile, type ProfileIdentifier, type Refusal } from '../../api-types';
import { Link } from '../../app/router';
import type { PageProps } from '../../app/routes';
import { usePiiRole, useUser } from '../../app/session';
import { useI18n } from '../../i18n';
import { ErrorAlert } from '../../ui/error-alert';
import { Page } from '../../ui/page';
import { ProfileTimeline } from './timeline';
import { Value } from './values';

/** Traits that name the person, in the order the header tries them. */
const NAME_TRAITS = ['name', 'nickname', 'username', 'firstName', 'first_name'];

function useSourceNames(): (id: string | null | undefined) => string {
  const q = useQuery(sourcesQuery);
  return (id) => {
    if (!id) return '—';
    return q.data?.sources.find((s) => s.id === id)?.name ?? id;
  };
}

const none = (text: string) => <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={text} />;

function TraitsCard({ profile }: { profile: Profile }): React.JSX.Element {
  const { t, formatDate } = useI18n();
  const sourceName = useSourceNames();
  const keys = Object.keys(profile.traits).sort();
  return (
    <Card title={t('profile.traits')} data-testid="profile-traits">
      {keys.length === 0 ? (
        none(t('profile.noTraits'))
      ) : (
        <Descriptions
          size="small"
          column={{ xs: 1, md: 2 }}
          items={keys.map((k) => {
            const src = profile.traitSources[k];
            return {
              key: k,
              label: src ? (
                <Tooltip
                  title={t('profile.traitSource', {
                    source: sourceName(src.sourceId),
                    at: formatDate(src.at),
                    policy: src.policy,
                  })}
                >
                  <span>{k}</span>
                </Tooltip>
              ) : (
                k
              ),
              children: <Value value={profile.traits[k]} />,
            };
          })}
        />
      )}
    </Card>
  );
}

function TagsCard({ profile }: { profile: Profile }): React.JSX.Element {
  const { t, tryT, formatDate } = useI18n();
  const tags = Object.entries(profile.tags).sort(([a], [b]) => a.localeCompare(b));
  const label = (key: string, v: unknown): string => {
    const raw = typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v);
    if (key === 'lifecycle_stage') return tryT(`lifecycle.${raw}`) ?? raw;
    if (key === 'rfm_class') return tryT(`rfm.${raw}`) ?? raw;
    return raw;
  };
  return (
    <Card title={t('profile.tags')} data-testid="profile-tags">
      <Flex vertical gap={16}>
        {tags.length === 0 ? (
          <Typography.Text type="secondary">{t('profile.noTags')}</Typography.Text>
        ) : (
          <Flex wrap gap={8}>
            {tags.map(([k, v]) => (
              <Tag key={k} color={v === true ? 'blue' : undefined}>
                {v === true ? k : `${k}: ${label(k, v)}`}
              </Tag>
            ))}
          </Flex>
        )}
        <Typography.Text strong>{t('profile.segments')}</Typography.Text>
        {profile.segments.length === 0 ? (
          <Typography.Text type="secondary">{t('profile.noSegments')}</Typography.Text>
        ) : (
          <Flex wrap gap={8}>
            {profile.segments.map((s) => (
              <Tooltip key={s.id} title={t('profile.enteredAt', { at: formatDate(s.enteredAt) })}>
                <Tag color="purple">{s.name}</Tag>
              </Tooltip>
            ))}
          </Flex>
        )}
      </Flex>
    </Card>
  );
}

function ConsentCard({ profile }: { profile: Profile }): React.JSX.Element {
  const { t, formatDate } = useI18n();
  const channels = Object.entries(profile.consent).sort(([a], [b]) => a.localeCompare(b));
  return (
    <Card title={t('profile.consent')} data-testid="profile-consent">
      {channels.length === 0 ? (
        <Typography.Text type="secondary">{t('profile.noConsent')}</Typography.Text>
      ) : (
        <Descriptions
          size="small"
          column={1}
          items={channels.map(([channel, c]) => ({
            key: channel,
            label: channel,
            children: (
              <Space>
                <Tag color={c.granted ? 'green' : 'red'}>
                  {c.granted ? t('profile.granted') : t('profile.revoked')}
                </Tag>
                <Typography.Text type="secondary">
                  {t('profile.consentAt', { event: c.event, at: formatDate(c.at) })}
                </Typography.Text>
              </Space>
            ),
          }))}
        />
      )}
    </Card>
  );
}

function Identities({ profile }: { profile: Profile }): React.JSX.Element {
  const { t, tryT, formatDate } = useI18n();
  const sourceName = useSourceNames();
  return (
    <Flex vertical gap={24}>
      <Table<ProfileIdentifier>
        size="small"
        rowKey={(r) => `${r.type}\u0000${r.value}`}
        pagination={false}
        dataSource={profile.identifiers ?? []}
        columns={[
          {
            title: t('profile.identifierType'),
            dataIndex: 'type',
            render: (ty: string) => tryT(`identifier.${ty}`) ?? ty,
          },
          {
            title: t('profile.identifierValue'),
            dataIndex: 'value',
            render: (v: string) => <Typography.Text copyable>{v}</Typography.Text>,
          },
          { title: t('profile.source'), dataIndex: 'sourceId', render: (s: string | null) => sourceName(s) },
          {
            title: t('profile.firstSeen'),
            dataIndex: 'firstSeen',
            render: (at: string | null) => formatDate(at),
          },
          {
            title: t('profile.lastSeen'),
            dataIndex: 'lastSeen',
            render: (at: string | null) => formatDate(at),
          },
          { title: t('profile.events'), dataIndex: 'events', align: 'right' },
        ]}
      />
      {profile.refusals.length > 0 && (
        <>
          <Typography.Title level={5}>{t('profile.refusals')}</Typography.Title>
          <Table<Refusal>
            size="small"
            rowKey={(r) => `${r.seq}\u0000${r.identifier.type}\u0000${r.identifier.value}`}
            pagination={false}
            dataSource={profile.refusals}
            columns={[
              {
                title: t('profile.refusalIdentifier'),
                render: (_, r) =>
                  `${tryT(`identifier.${r.identifier.type}`) ?? r.identifier.type}: ${r.identifier.value}`,
              },
              {
                title: t('profile.refusalWith'),
                render: (_, r) => `${tryT(`identifier.${r.with.type}`) ?? r.with.type}: ${r.with.value}`,
              },
              { title: t('profile.refusalReason'), dataIndex: 'reason' },
              { title: t('profile.mergeAt'), dataIndex: 'at', render: (at: string) => formatDate(at) },
            ]}
          />
        </>
      )}
    </Flex>
  );
}

function Merges({ profile }: { profile: Profile }): React.JSX.Element {
  const { t, formatDate } = useI18n();
  const merges = profile.merges ?? [];
  if (merges.length === 0) return none(t('profile.noMerges'));
  return (
    <Table<Merge>
      size="small"
      rowKey={(m) => `${m.from}\u0000${m.into}\u0000${String(m.at)}`}
      pagination={false}
      dataSource={merges}
      columns={[
        {
          title: t('profile.mergeFrom'),
          dataIndex: 'from',
          render: (id: string) => <Typography.Text code>{id}</Typography.Text>,
        },
        {
          title: t('profile.mergeInto'),
          dataIndex: 'into',
          render: (id: string) => <Typography.Text code>{id}</Typography.Text>,
        },
        { title: t('profile.mergeKind'), dataIndex: 'kind' },
        { title: t('profile.mergeAt'), dataIndex: 'at', render: (at: number | string) => formatDate(at) },
      ]}
    />
  );
}

function ComputedTraits({ profile }: { profile: Profile }): React.JSX.Element {
  const { t } = useI18n();
  const keys = Object.keys(profile.computedTraits).sort();
  if (keys.length === 0) return none(t('profile.noComputedTraits'));
  return (
    <Descriptions
      size="small"
      bordered
      column={{ xs: 1, md: 2 }}
      items={keys.map((k) => ({ key: k, label: k, children: <Value value={profile.computedTraits[k]} /> }))}
    />
  );
}

export default function ProfilePage({ params }: PageProps): React.JSX.Element {
  const { t } = useI18n();
  const user = useUser();
  const piiRole = usePiiRole();
  const masked = !roleAllows(user.role, piiRole);
  const id = params.id ?? '';
  const q = useQuery({ queryKey: ['profile', id], queryFn: ({ signal }) => api.profile(id, signal) });
  const profile = q.data;

  const back = (
    <Link to="/people">
      <ArrowLeftOutlined /> {t('profile.back')}
    </Link>
  );
  if (q.error)
    return (
      <Page title={id}>
        {back}
        <ErrorAlert error={q.error} onRetry={() => void q.refetch()} />
      </Page>
    );
  if (!profile)
    return (
      <Page title={id}>
        <Skeleton active paragraph={{ rows: 10 }} />
      </Page>
    );

  const nameKey = NAME_TRAITS.find((k) => typeof profile.traits[k] === 'string');
  const title = nameKey ? String(profile.traits[nameKey]) : profile.profileId;

  return (
    <Page
      title={
        <Space orientation="vertical" size={0}>
          <span data-testid="profile-title">{title}</span>
          <Typography.Text type="secondary" copyable style={{ fontSize: 13, fontWeight: 'normal' }}>
            {profile.profileId}
          </Typography.Text>
        </Space>
      }
      extra={
        <Space>
          {back}
          <Button icon={<ReloadOutlined />} onClick={() => void q.refetch()} loading={q.isFetching}>
            {t('common.refresh')}
          </Button>
        </Space>
      }
    >
      {masked && (
        <Alert
          type="info"
          showIcon
          data-testid="profile-masked"
          title={t('profile.masked', { role: t(`role.${piiRole}`) })}
        />
      )}
      {profile.mergedInto && (
        <Alert
          type="info"
          showIcon
          title={t('profile.mergedInto', { from: profile.requestedId ?? id, into: profile.mergedInto })}
        />
      )}
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={14}>
          <TraitsCard profile={profile} />
        </Col>
        <Col xs={24} xl={10}>
          <Flex vertical gap={16}>
            <TagsCard profile={profile} />
            <ConsentCard profile={profile} />
          </Flex>
        </Col>
      </Row>
      <Card>
        <Tabs
          items={[
            {
              key: 'timeline',
              label: t('profile.timeline'),
              children: <ProfileTimeline profileId={profile.profileId} />,
            },
            {
              key: 'identities',
              label: `${t('profile.identities')} (${profile.identifiers?.length ?? 0})`,
              children: <Identities profile={profile} />,
            },
            {
              key: 'merges',
              label: `${t('profile.merges')} (${profile.merges?.length ?? 0})`,
              children: <Merges profile={profile} />,
            },
            {
              key: 'computed',
              label: t('profile.computedTraits'),
              children: <ComputedTraits profile={profile} />,
            },
          ]}
        />
      </Card>
    </Page>
  );
}
