import { useInfiniteQuery } from '@tanstack/react-query';
import { Button, Flex, Select, Table, Typography } from 'antd';
import { useState } from 'react';
import { roleAllows } from '../../api-types';
import { Link } from '../../app/router';
import { useUser } from '../../app/session';
import { useI18n } from '../../i18n';
import { ErrorAlert } from '../../ui/error-alert';
import { Value } from '../people/values';
import { segmentsApi, type Member, type SegmentDetail } from './api';
import { useBuilderOptions } from './builder-options';

/** The members in pages of 100 (cursor), with the traits and tags one picks as columns. */

const PAGE = 100;
const DEFAULT_TRAITS = ['name', 'city'];
const DEFAULT_TAGS = ['lifecycle_stage', 'rfm_class'];

export function MembersTab({ segment }: { segment: SegmentDetail }): React.JSX.Element {
  const { t, tryT, formatDate, formatNumber } = useI18n();
  const user = useUser();
  const options = useBuilderOptions();
  const [traits, setTraits] = useState<string[]>(DEFAULT_TRAITS);
  const [picked, setPicked] = useState<string[] | null>(null);
  const tags = picked ?? DEFAULT_TAGS.filter((k) => options.tags.some((x) => x.key === k));
  const q = useInfiniteQuery({
    queryKey: ['segment', segment.id, 'members', traits, tags],
    queryFn: ({ pageParam, signal }) =>
      segmentsApi.members(segment.id, { after: pageParam, limit: PAGE, traits, tags }, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next ?? undefined,
  });
  const members = q.data?.pages.flatMap((p) => p.members) ?? [];
  const canOpen = roleAllows(user.role, 'analyst');
  const label = (key: string, v: unknown) => {
    if (typeof v !== 'string') return <Value value={v} />;
    if (key === 'lifecycle_stage') return tryT(`lifecycle.${v}`) ?? v;
    if (key === 'rfm_class') return tryT(`rfm.${v}`) ?? v;
    return v;
  };

  return (
    <Flex vertical gap={12}>
      <Flex wrap gap={12} align="center">
        <Typography.Text>{t('segments.members.traits')}</Typography.Text>
        <Select<string[]>
          aria-label={t('segments.members.traits')}
          mode="tags"
          style={{ minWidth: 260 }}
          value={traits}
          onChange={(v) => setTraits(v.filter((k) => /^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(k)).slice(0, 20))}
          options={options.traits.map((k) => ({ value: k.key, label: k.label }))}
        />
        <Typography.Text>{t('segments.members.tags')}</Typography.Text>
        <Select<string[]>
          aria-label={t('segments.members.tags')}
          mode="multiple"
          style={{ minWidth: 260 }}
          value={tags}
          onChange={(v) => setPicked(v.slice(0, 20))}
          options={options.tags.map((k) => ({ value: k.key, label: k.label }))}
        />
      </Flex>
      {q.error && <ErrorAlert error={q.error} onRetry={() => void q.refetch()} />}
      <Table<Member>
        data-testid="segment-members"
        size="small"
        rowKey="profileId"
        loading={q.isPending}
        dataSource={members}
        pagination={false}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: t('segments.members.empty') }}
        columns={[
          {
            title: t('segments.members.profile'),
            dataIndex: 'profileId',
            fixed: 'left',
            render: (id: string) =>
              canOpen ? (
                <Link to={`/people/${id}`} style={{ fontFamily: 'monospace' }}>
                  {id}
                </Link>
              ) : (
                <Typography.Text code>{id}</Typography.Text>
              ),
          },
          ...traits.map((k) => ({
            key: `trait:${k}`,
            title: options.traits.find((x) => x.key === k)?.label ?? k,
            render: (_: unknown, m: Member) => <Value value={m.traits?.[k]} />,
          })),
          ...tags.map((k) => ({
            key: `tag:${k}`,
            title: options.tags.find((x) => x.key === k)?.label ?? k,
            render: (_: unknown, m: Member) => label(k, m.tags?.[k]),
          })),
          {
            title: t('segments.members.enteredAt'),
            dataIndex: 'enteredAt',
            render: (at: string) => formatDate(at),
          },
        ]}
      />
      <Flex justify="space-between" align="center">
        <Typography.Text type="secondary" data-testid="segment-members-count">
          {t('segments.members.loaded', {
            n: formatNumber(members.length),
            size: segment.size === null ? '—' : formatNumber(segment.size),
          })}
        </Typography.Text>
        {q.hasNextPage && (
          <Button onClick={() => void q.fetchNextPage()} loading={q.isFetchingNextPage}>
            {t('common.loadMore')}
          </Button>
        )}
      </Flex>
    </Flex>
  );
}
