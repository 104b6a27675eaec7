import { ReloadOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Popconfirm, Select, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { roleAllows } from '../../api-types';
import { useUser } from '../../app/session';
import { useI18n } from '../../i18n';
import { sourcesQuery } from '../../queries';
import { ErrorAlert, useShowError } from '../../ui/error-alert';
import { sourcesApi, type RejectedFilter, type RejectedRecord, type ReplayResult } from './api';
import { EditReplayModal } from './edit-replay-modal';
import { JsonBlock } from './json-block';

const PAGE = 50;

/**
 * Records the pipeline refused, with the reason and the payload as it came: filter by source,
 * reason and status; replay the chosen ones (or every open one of a reason) after the rules or
 * the data were fixed, correct one record's payload and replay it, or discard.
 */
export default function RejectedRecords({
  sourceId,
  onSource,
}: {
  sourceId?: string;
  onSource: (id: string | undefined) => void;
}): React.JSX.Element {
  const { t, formatDate, formatNumber } = useI18n();
  const { message } = App.useApp();
  const user = useUser();
  const admin = roleAllows(user.role, 'admin');
  const queryClient = useQueryClient();
  const showError = useShowError();
  const [status, setStatus] = useState<NonNullable<RejectedFilter['status']>>('open');
  const [code, setCode] = useState<string | undefined>(undefined);
  const [page, setPage] = useState(1);
  const [selected, setSelected] = useState<string[]>([]);
  const [editing, setEditing] = useState<RejectedRecord | null>(null);
  const [lastReplay, setLastReplay] = useState<ReplayResult | null>(null);
  const filter: RejectedFilter = { status, code, sourceId };
  const sources = useQuery(sourcesQuery);
  const sourceName = new Map((sources.data?.sources ?? []).map((s) => [s.id, s.name]));
  const summary = useQuery({
    queryKey: ['rejected-summary', status, sourceId],
    queryFn: ({ signal }) => sourcesApi.rejectedSummary({ status, sourceId }, signal),
  });
  const records = useQuery({
    queryKey: ['rejected', filter, page],
    queryFn: ({ signal }) =>
      sourcesApi.rejected({ ...filter, limit: PAGE, offset: (page - 1) * PAGE }, signal),
  });
  const total = (summary.data?.byCode ?? [])
    .filter((c) => code === undefined || c.code === code)
    .reduce((n, c) => n + c.count, 0);

  const done = (r: ReplayResult) => {
    setLastReplay(r);
    setSelected([]);
    void message.success(
      t('sources.rejected.replayed', { accepted: r.accepted + r.duplicates, still: r.stillRejected }),
    );
    for (const key of ['rejected', 'rejected-summary', 'sources', 'overview'])
      void queryClient.invalidateQueries({ queryKey: [key] });
  };
  const replay = useMutation({ mutationFn: sourcesApi.replay, onSuccess: done, onError: showError });
  const discard = useMutation({
    mutationFn: sourcesApi.discard,
    onSuccess: (r) => {
      setSelected([]);
      void message.success(t('sources.rejected.discarded', { n: r.discarded }));
      for (const key of ['rejected', 'rejected-summary', 'sources'])
        void queryClient.invalidateQueries({ queryKey: [key] });
    },
    onError: showError,
  });
  const refresh = () => {
    void summary.refetch();
    void records.refetch();
  };

  return (
    <Space orientation="vertical" style={{ width: '100%' }} size={12}>
      <Space wrap>
        <Select
          style={{ minWidth: 220 }}
          value={sourceId ?? ''}
          onChange={(v: string) => {
            setPage(1);
            onSource(v || undefined);
          }}
          options={[
            { value: '', label: t('sources.debugger.allSources') },
            ...(sources.data?.sources ?? []).map((s) => ({ value: s.id, label: s.name })),
          ]}
          aria-label={t('sources.debugger.source')}
        />
        <Select
          style={{ minWidth: 140 }}
          value={status}
          onChange={(v) => {
            setPage(1);
            setSelected([]);
            setStatus(v);
          }}
          options={(['open', 'replayed', 'discarded'] as const).map((s) => ({
            value: s,
            label: t(`sources.rejected.status.${s}`),
          }))}
          aria-label={t('common.status')}
        />
        <Button icon={<ReloadOutlined />} onClick={refresh} loading={records.isFetching}>
          {t('common.refresh')}
        </Button>
      </Space>
      <Space wrap data-testid="rejected-codes">
        <Tag.CheckableTag checked={code === undefined} onChange={() => setCode(undefined)}>
          {t('common.all')} {formatNumber((summary.data?.byCode ?? []).reduce((n, c) => n + c.count, 0))}
        </Tag.CheckableTag>
        {(summary.data?.byCode ?? []).map((c) => (
          <Tag.CheckableTag
            key={c.code}
            checked={code === c.code}
            onChange={() => {
              setPage(1);
              setCode(code === c.code ? undefined : c.code);
            }}
          >
            {c.code} {formatNumber(c.count)}
          </Tag.CheckableTag>
        ))}
      </Space>
      {admin && status === 'open' && (
        <Space wrap>
          <Button
            type="primary"
            disabled={selected.length === 0}
            loading={replay.isPending}
            onClick={() => replay.mutate({ ids: selected })}
          >
            {t('sources.rejected.replaySelected', { n: selected.length })}
          </Button>
          {code !== undefined && (
            <Popconfirm
              title={t('sources.rejected.replayCodeConfirm', { code, n: formatNumber(total) })}
              okText={t('common.yes')}
              cancelText={t('common.cancel')}
              onConfirm={() => replay.mutate({ code, sourceId, limit: 100_000 })}
            >
              <Button loading={replay.isPending}>{t('sources.rejected.replayCode', { code })}</Button>
            </Popconfirm>
          )}
          <Popconfirm
            title={t('sources.rejected.discardConfirm', { n: selected.length })}
            okText={t('common.yes')}
            cancelText={t('common.cancel')}
            disabled={selected.length === 0}
            onConfirm={() => discard.mutate(selected)}
          >
            <Button danger disabled={selected.length === 0} loading={discard.isPending}>
              {t('sources.rejected.discardSelected', { n: selected.length })}
            </Button>
          </Popconfirm>
        </Space>
      )}
      {lastReplay && lastReplay.stillRejected > 0 && (
        <Alert
          type="warning"
          showIcon
          closable
          onClose={() => setLastReplay(null)}
          title={t('sources.rejected.stillRejected', { n: lastReplay.stillRejected })}
          description={lastReplay.results
            .filter((r) => r.outcome === 'rejected')
            .slice(0, 5)
            .map((r) => `${r.code}: ${r.reason}`)
            .join('\n')}
        />
      )}
      {(records.error ?? summary.error) && (
        <ErrorAlert error={records.error ?? summary.error} onRetry={refresh} />
      )}
      <Table<RejectedRecord>
        rowKey="id"
        size="small"
        loading={records.isPending}
        dataSource={records.data?.records ?? []}
        locale={{ emptyText: t('sources.rejected.empty') }}
        rowSelection={
          admin && status === 'open'
            ? { selectedRowKeys: selected, onChange: (keys) => setSelected(keys as string[]) }
            : undefined
        }
        pagination={{
          current: page,
          pageSize: PAGE,
          total,
          showSizeChanger: false,
          hideOnSinglePage: true,
          onChange: setPage,
        }}
        onRow={() => ({ 'data-testid': 'rejected-row' }) as object}
        expandable={{ expandedRowRender: (r) => <JsonBlock value={r.payload} /> }}
        columns={[
          {
            title: t('sources.debugger.received'),
            dataIndex: 'receivedAt',
            render: (at: string) => formatDate(at),
          },
          {
            title: t('sources.debugger.source'),
            dataIndex: 'sourceId',
            render: (id: string | null) => (id ? (sourceName.get(id) ?? id) : '—'),
          },
          {
            title: t('sources.debugger.origin'),
            key: 'origin',
            render: (_, r) => (
              <Space orientation="vertical" size={0}>
                <span>{t(`sources.origin.${r.origin as 'api' | 'import' | 'replay'}`)}</span>
                {r.originRef && (
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {r.originRef}
                  </Typography.Text>
                )}
              </Space>
            ),
          },
          {
            title: t('sources.rejected.code'),
            dataIndex: 'code',
            render: (c: string) => <Tag color="red">{c}</Tag>,
          },
          { title: t('sources.debugger.reason'), dataIndex: 'reason', ellipsis: true },
          { title: t('sources.rejected.attempts'), dataIndex: 'attempts', align: 'right' },
          ...(admin && status === 'open'
            ? [
                {
                  title: '',
                  key: 'edit',
                  render: (_: unknown, r: RejectedRecord) => (
                    <Button size="small" onClick={() => setEditing(r)}>
                      {t('sources.rejected.edit')}
                    </Button>
                  ),
                },
              ]
            : []),
        ]}
      />
      {editing && (
        <EditReplayModal
          record={editing}
          onClose={() => setEditing(null)}
          onReplayed={(r) => {
            setEditing(null);
            done(r);
          }}
        />
      )}
    </Space>
  );
}
