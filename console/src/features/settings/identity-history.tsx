import { useQuery } from '@tanstack/react-query';
import { Card, Space, Table, Tabs, Tag, Typography } from 'antd';
import { Link } from '../../app/router';
import { useI18n } from '../../i18n';
import { ErrorAlert } from '../../ui/error-alert';
import { useActorName } from './actors';
import { keys, settingsApi, type IdentityRefusal, type Split } from './api';
import { useReasonLabel } from './identity-reason';

const LIMIT = 100;

const profileLink = (id: string) => (
  <Link to={`/people/${encodeURIComponent(id)}`} key={id}>
    {id}
  </Link>
);

function Splits(): React.JSX.Element {
  const { t, formatDate } = useI18n();
  const actorName = useActorName();
  const q = useQuery({
    queryKey: [...keys.identity, 'splits'],
    queryFn: ({ signal }) => settingsApi.splits(LIMIT, signal),
  });
  return (
    <>
      {q.error && <ErrorAlert error={q.error} onRetry={() => void q.refetch()} />}
      <Table<Split>
        size="small"
        rowKey="id"
        loading={q.isPending}
        dataSource={q.data?.splits ?? []}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        locale={{ emptyText: t('settings.identity.noSplits') }}
        expandable={{
          rowExpandable: (s) => s.sides.length > 0,
          expandedRowRender: (s) => (
            <Space wrap size={4}>
              {s.sides.map((x) => (
                <Tag key={`${x.type}:${x.value}`} color={x.side === 1 ? 'orange' : 'default'}>
                  {x.type}: {x.value}
                </Tag>
              ))}
            </Space>
          ),
        }}
        columns={[
          { title: t('settings.audit.at'), dataIndex: 'at', render: (at: string) => formatDate(at) },
          { title: t('settings.identity.profile'), dataIndex: 'profileId', render: profileLink },
          {
            title: t('settings.identity.newProfiles'),
            dataIndex: 'newProfiles',
            render: (ids: string[]) => (
              <Space size={4} wrap>
                {ids.map(profileLink)}
              </Space>
            ),
          },
          {
            title: t('settings.identity.reason'),
            dataIndex: 'reason',
            render: (r: string | null) => r ?? '—',
          },
          {
            title: t('settings.audit.actor'),
            dataIndex: 'actor',
            render: (a: string | null) => actorName(a),
          },
        ]}
      />
    </>
  );
}

function Refusals(): React.JSX.Element {
  const { t, formatDate } = useI18n();
  const reasonLabel = useReasonLabel();
  const q = useQuery({
    queryKey: [...keys.identity, 'refusals'],
    queryFn: ({ signal }) => settingsApi.refusals(LIMIT, signal),
  });
  const side = (x: IdentityRefusal['identifier']) => (
    <Space orientation="vertical" size={0}>
      <span>
        <Typography.Text type="secondary">{x.type}</Typography.Text> {x.value}
      </span>
      <span style={{ fontSize: 12 }}>{profileLink(x.profileId)}</span>
    </Space>
  );
  return (
    <>
      {q.error && <ErrorAlert error={q.error} onRetry={() => void q.refetch()} />}
      <Table<IdentityRefusal>
        size="small"
        rowKey={(r) => `${r.seq}:${r.identifier.type}:${r.identifier.value}`}
        loading={q.isPending}
        dataSource={q.data?.refusals ?? []}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        locale={{ emptyText: t('settings.identity.noRefusals') }}
        columns={[
          { title: t('settings.audit.at'), dataIndex: 'at', render: (at: string) => formatDate(at) },
          {
            title: t('settings.identity.refused'),
            key: 'identifier',
            render: (_: unknown, r) => side(r.identifier),
          },
          { title: t('settings.identity.with'), key: 'with', render: (_: unknown, r) => side(r.with) },
          {
            title: t('settings.identity.reason'),
            dataIndex: 'reason',
            render: (r: string) => <Tag>{reasonLabel(r)}</Tag>,
          },
          { title: t('settings.identity.seq'), dataIndex: 'seq', align: 'right' },
        ]}
      />
    </>
  );
}

/** What the graph refused to link, and the profiles people split apart, newest first. */
export function IdentityHistory(): React.JSX.Element {
  const { t } = useI18n();
  return (
    <Card title={t('settings.identity.history')}>
      <Tabs
        size="small"
        items={[
          { key: 'refusals', label: t('settings.identity.refusals'), children: <Refusals /> },
          { key: 'splits', label: t('settings.identity.splits'), children: <Splits /> },
        ]}
      />
    </Card>
  );
}
