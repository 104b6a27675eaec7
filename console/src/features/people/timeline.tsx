import { useInfiniteQuery } from '@tanstack/react-query';
import { Button, Empty, Flex, Select, Space, Tag, Timeline, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { api } from '../../api';
import type { StoredEvent } from '../../api-types';
import { useI18n } from '../../i18n';
import { ErrorAlert } from '../../ui/error-alert';
import { Entries } from './values';

const PAGE = 50;

const TYPE_COLOR: Record<string, string> = {
  track: 'blue',
  identify: 'green',
  page: 'cyan',
  screen: 'cyan',
  alias: 'purple',
  group: 'orange',
};

/** What a timeline entry is called: a track's event name, a page's name, otherwise its type. */
export const eventLabel = (e: StoredEvent): string =>
  e.type === 'track' ? (e.event ?? 'track') : e.name ? `${e.type}: ${e.name}` : e.type;

/** The profile's events, newest first, a page at a time (the `next` cursor), filtered by name here. */
export function ProfileTimeline({ profileId }: { profileId: string }): React.JSX.Element {
  const { t, formatDate } = useI18n();
  const [only, setOnly] = useState<string[]>([]);
  const q = useInfiniteQuery({
    queryKey: ['timeline', profileId],
    queryFn: ({ pageParam, signal }) => api.timeline(profileId, pageParam, PAGE, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next ?? undefined,
  });
  const events = useMemo(() => q.data?.pages.flatMap((p) => p.events) ?? [], [q.data]);
  const names = useMemo(() => [...new Set(events.map(eventLabel))].sort(), [events]);
  const shown = only.length === 0 ? events : events.filter((e) => only.includes(eventLabel(e)));

  if (q.error) return <ErrorAlert error={q.error} onRetry={() => void q.refetch()} />;
  return (
    <Flex vertical gap={16}>
      <Flex gap={16} align="center" wrap>
        <Select
          mode="multiple"
          allowClear
          style={{ minWidth: 280 }}
          placeholder={t('profile.filterEvents')}
          value={only}
          onChange={setOnly}
          options={names.map((n) => ({ value: n, label: n }))}
        />
        <Typography.Text type="secondary">
          {t('profile.eventCount', { count: events.length })}
        </Typography.Text>
      </Flex>
      {!q.isPending && shown.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('profile.noEvents')} />
      ) : (
        <Timeline
          items={[
            ...shown.map((e) => ({
              key: e.messageId + String(e.seq),
              color: TYPE_COLOR[e.type] ?? 'gray',
              title: formatDate(e.timestamp),
              content: (
                <Space orientation="vertical" size={0}>
                  <Space size="small">
                    <Tag color={TYPE_COLOR[e.type]}>{e.type}</Tag>
                    <Typography.Text strong>{eventLabel(e)}</Typography.Text>
                  </Space>
                  <Entries of={e.type === 'identify' ? e.traits : e.properties} />
                </Space>
              ),
            })),
            ...(q.isPending || q.isFetchingNextPage ? [{ key: 'loading', loading: true }] : []),
          ]}
        />
      )}
      {q.hasNextPage && (
        <Button onClick={() => void q.fetchNextPage()} loading={q.isFetchingNextPage}>
          {t('common.loadMore')}
        </Button>
      )}
    </Flex>
  );
}
