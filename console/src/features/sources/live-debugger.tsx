import { CaretRightOutlined, ClearOutlined, PauseOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Badge, Button, Descriptions, Select, Space, Table, Tag, Typography } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useI18n } from '../../i18n';
import { sourcesQuery } from '../../queries';
import { ErrorAlert } from '../../ui/error-alert';
import { sourcesApi, type LiveEvent, type LiveResult } from './api';
import { JsonBlock } from './json-block';
import { ResultTag } from './result-tag';

/** How many messages the debugger keeps on screen; older ones scroll away. */
const KEEP = 300;
/** How long one long poll is held open by the server when nothing arrives. */
const WAIT_MS = 20_000;

/**
 * Follows `GET /api/v1/debugger/events` in a long-poll loop from a cursor: the backlog first,
 * then each message as the server receives it. Stops while paused or unmounted.
 */
function useLiveEvents(filter: { sourceId?: string; result?: LiveResult }, paused: boolean) {
  const [events, setEvents] = useState<LiveEvent[]>([]);
  const [error, setError] = useState<unknown>(null);
  const cursor = useRef<number | undefined>(undefined);

  useEffect(() => {
    // A new filter starts from the backlog of that filter.
    cursor.current = undefined;
    setEvents([]);
  }, [filter.sourceId, filter.result]);

  useEffect(() => {
    if (paused) return;
    const aborter = new AbortController();
    let delay = 0;
    const loop = async () => {
      while (!aborter.signal.aborted) {
        try {
          const first = cursor.current === undefined;
          const answer = await sourcesApi.live(
            { ...filter, after: cursor.current, wait: first ? 0 : WAIT_MS, limit: first ? 100 : 200 },
            aborter.signal,
          );
          cursor.current = answer.cursor;
          if (answer.events.length > 0) setEvents((old) => [...answer.events, ...old].slice(0, KEEP));
          setError(null);
          delay = 0;
        } catch (err) {
          if (aborter.signal.aborted) return;
          setError(err);
          delay = Math.min(10_000, delay * 2 || 1_000);
          await new Promise((r) => setTimeout(r, delay));
        }
      }
    };
    void loop();
    return () => aborter.abort();
  }, [filter.sourceId, filter.result, paused]);

  return { events, error, clear: () => setEvents([]) };
}

export default function LiveDebugger({
  sourceId,
  onSource,
}: {
  sourceId?: string;
  onSource: (id: string | undefined) => void;
}): React.JSX.Element {
  const { t, formatNumber } = useI18n();
  const sources = useQuery(sourcesQuery);
  const [result, setResult] = useState<LiveResult | undefined>(undefined);
  const [paused, setPaused] = useState(false);
  const live = useLiveEvents({ sourceId, result }, paused);
  const sourceName = new Map((sources.data?.sources ?? []).map((s) => [s.id, s.name]));
  const counts = { accepted: 0, duplicate: 0, rejected: 0 };
  for (const e of live.events) counts[e.result]++;

  return (
    <Space orientation="vertical" style={{ width: '100%' }} size={12}>
      <Space wrap>
        <Select
          style={{ minWidth: 220 }}
          value={sourceId ?? ''}
          onChange={(v: string) => onSource(v || undefined)}
          options={[
            { value: '', label: t('sources.debugger.allSources') },
            ...(sources.data?.sources ?? []).map((s) => ({ value: s.id, label: s.name })),
          ]}
          aria-label={t('sources.debugger.source')}
        />
        <Select
          style={{ minWidth: 160 }}
          value={result ?? ''}
          onChange={(v: string) => setResult((v || undefined) as LiveResult | undefined)}
          options={[
            { value: '', label: t('sources.debugger.allResults') },
            ...(['accepted', 'duplicate', 'rejected'] as const).map((r) => ({
              value: r,
              label: t(`sources.result.${r}`),
            })),
          ]}
          aria-label={t('sources.debugger.result')}
        />
        <Button
          icon={paused ? <CaretRightOutlined /> : <PauseOutlined />}
          onClick={() => setPaused((p) => !p)}
          data-testid="debugger-pause"
        >
          {paused ? t('sources.debugger.resume') : t('sources.debugger.pause')}
        </Button>
        <Button icon={<ClearOutlined />} onClick={live.clear}>
          {t('sources.debugger.clear')}
        </Button>
        <Badge
          status={paused ? 'default' : live.error ? 'error' : 'processing'}
          text={paused ? t('sources.debugger.paused') : t('sources.debugger.listening')}
        />
        <Typography.Text type="secondary" data-testid="debugger-counts">
          {t('sources.debugger.counts', {
            accepted: formatNumber(counts.accepted),
            duplicate: formatNumber(counts.duplicate),
            rejected: formatNumber(counts.rejected),
          })}
        </Typography.Text>
      </Space>
      <Typography.Text type="secondary">{t('sources.debugger.hint')}</Typography.Text>
      {live.error !== null && <ErrorAlert error={live.error} />}
      <Table<LiveEvent>
        rowKey="seq"
        size="small"
        dataSource={live.events}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        locale={{ emptyText: t('sources.debugger.empty') }}
        onRow={(e) => ({ 'data-testid': 'debugger-row', 'data-message-id': e.messageId ?? '' }) as object}
        expandable={{
          expandedRowRender: (e) => <LiveEventDetail event={e} />,
        }}
        columns={[
          {
            title: t('sources.debugger.time'),
            dataIndex: 'receivedAt',
            width: 120,
            render: (at: string) => new Date(at).toLocaleTimeString(undefined, { hour12: false }),
          },
          {
            title: t('sources.debugger.source'),
            dataIndex: 'sourceId',
            render: (id: string) => sourceName.get(id) ?? id,
          },
          { title: t('sources.debugger.type'), dataIndex: 'type', render: (v: string | null) => v ?? '—' },
          {
            title: t('sources.debugger.name'),
            dataIndex: 'name',
            render: (v: string | null) => (v ? <Typography.Text strong>{v}</Typography.Text> : '—'),
          },
          {
            title: t('sources.debugger.who'),
            key: 'who',
            render: (_, e) => {
              const who = e.message.userId ?? e.message.anonymousId;
              return typeof who === 'string' ? <Typography.Text code>{who}</Typography.Text> : '—';
            },
          },
          {
            title: t('sources.debugger.result'),
            dataIndex: 'result',
            render: (r: LiveResult, e) => (
              <Space size={4}>
                <ResultTag result={r} />
                {e.issues.length > 0 && (
                  <Tag color="orange">{t('sources.debugger.dropped', { n: e.issues.length })}</Tag>
                )}
              </Space>
            ),
          },
          {
            title: t('sources.debugger.reason'),
            key: 'reason',
            ellipsis: true,
            render: (_, e) => (e.reason ? <Typography.Text type="danger">{e.reason}</Typography.Text> : null),
          },
        ]}
      />
    </Space>
  );
}

function LiveEventDetail({ event }: { event: LiveEvent }): React.JSX.Element {
  const { t, formatDate } = useI18n();
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Descriptions size="small" column={3} bordered>
        <Descriptions.Item label={t('sources.debugger.messageId')}>
          {event.messageId ?? '—'}
        </Descriptions.Item>
        <Descriptions.Item label={t('sources.debugger.received')}>
          {formatDate(event.receivedAt)}
        </Descriptions.Item>
        <Descriptions.Item label={t('sources.debugger.origin')}>
          {t(`sources.origin.${event.origin}`)}
        </Descriptions.Item>
        {event.code && (
          <Descriptions.Item label={t('sources.debugger.reason')} span={3}>
            <Typography.Text type="danger">
              {event.code}: {event.reason}
            </Typography.Text>
          </Descriptions.Item>
        )}
        {event.issues.map((i) => (
          <Descriptions.Item key={i.field} label={t('sources.debugger.droppedField')} span={3}>
            <Typography.Text code>{i.field}</Typography.Text> {i.code}: {i.message}
          </Descriptions.Item>
        ))}
      </Descriptions>
      <Typography.Text type="secondary">
        {event.result === 'rejected' ? t('sources.debugger.asReceived') : t('sources.debugger.asStored')}
      </Typography.Text>
      <JsonBlock value={event.message} />
    </Space>
  );
}
