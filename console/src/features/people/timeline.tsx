import { useInfiniteQuery } from '@tanstack/react-query';
import { Button, Empty, Flex, Space, Tag, Timeline, Typography } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { api } from '../../api';
import type { StoredEvent } from '../../api-types';
import { useI18n } from '../../i18n';
import { ErrorAlert } from '../../ui/error-alert';
import {
  isFiltered,
  NO_FILTER,
  serverFilter,
  TimelineFilterBar,
  type TimelineFilter,
} from './timeline-filters';
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

/**
 * The profile's events, newest first, a page at a time (the `next` cursor). The filters go to the
 * server, which applies them before paging, so every page is full and "load more" continues the
 * filtered list.
 */
export function ProfileTimeline({ profileId }: { profileId: string }): React.JSX.Element {
  const { t, formatDate, formatNumber } = useI18n();
  const [filter, setFilter] = useState<TimelineFilter>(NO_FILTER);
  const query = useMemo(() => serverFilter(filter), [filter]);
  const filtered = isFiltered(filter);
  const q = useInfiniteQuery({
    queryKey: ['timeline', profileId, query],
    queryFn: ({ pageParam, signal }) => api.timeline(profileId, pageParam, PAGE, signal, query),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next ?? undefined,
  });
  const events = useMemo(() => q.data?.pages.flatMap((p) => p.events) ?? [], [q.data]);
  const names = useSeenNames(profileId, events);

  return (
    <Flex vertical gap={16}>
      <TimelineFilterBar value={filter} onChange={setFilter} names={names} />
      {q.error ? (
        <ErrorAlert error={q.error} onRetry={() => void q.refetch()} />
      ) : (
        <>
          <Typography.Text type="secondary" data-testid="timeline-count">
            {filtered
              ? t('timeline.loadedFiltered', { count: formatNumber(events.length) })
              : t('profile.eventCount', { count: formatNumber(events.length) })}
          </Typography.Text>
          {!q.isPending && events.length === 0 ? (
            <Empty
              image={Empty.PRESENTED_IMAGE_SIMPLE}
              description={filtered ? t('timeline.noMatch') : t('profile.noEvents')}
            >
              {filtered && <Button onClick={() => setFilter(NO_FILTER)}>{t('timeline.filter.clear')}</Button>}
            </Empty>
          ) : (
            <Timeline
              data-testid="timeline"
              items={[
                ...events.map((e) => ({
                  key: e.messageId + String(e.seq),
                  color: TYPE_COLOR[e.type] ?? 'gray',
                  title: formatDate(e.timestamp),
                  content: (
                    <Space
                      orientation="vertical"
                      size={0}
                      data-testid="timeline-event"
                      data-message-id={e.messageId}
                    >
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
            <Button
              data-testid="timeline-more"
              onClick={() => void q.fetchNextPage()}
              loading={q.isFetchingNextPage}
            >
              {t('common.loadMore')}
            </Button>
          )}
        </>
      )}
    </Flex>
  );
}

/**
 * The track event names seen on this person's timeline so far, under any filter, so narrowing
 * the list does not take the other names out of the choices.
 */
function useSeenNames(profileId: string, events: readonly StoredEvent[]): string[] {
  const [seen, setSeen] = useState<{ of: string; names: string[] }>({ of: profileId, names: [] });
  useEffect(() => {
    setSeen((prev) => {
      const known = new Set(prev.of === profileId ? prev.names : []);
      const before = known.size;
      for (const e of events) if (e.type === 'track' && e.event) known.add(e.event);
      if (prev.of === profileId && known.size === before) return prev;
      return { of: profileId, names: [...known].sort((a, b) => a.localeCompare(b)) };
    });
  }, [profileId, events]);
  return seen.of === profileId ? seen.names : [];
}
