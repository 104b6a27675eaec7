import { useQuery } from '@tanstack/react-query';
import { Card, Table, Tag } from 'antd';
import { useI18n } from '../../i18n';
import { ErrorAlert } from '../../ui/error-alert';
import { sourcesApi, type ImportRun } from './api';

/** Recent imports and their results; while one runs, its records so far, read again every 2 s. */
export function ImportHistory(): React.JSX.Element {
  const { t, formatDate, formatNumber } = useI18n();
  const q = useQuery({
    queryKey: ['imports'],
    queryFn: ({ signal }) => sourcesApi.imports(signal),
    refetchInterval: (query) =>
      query.state.data?.imports.some((i) => i.status === 'running') ? 2_000 : false,
  });
  return (
    <Card title={t('sources.import.history')}>
      {q.error && <ErrorAlert error={q.error} onRetry={() => void q.refetch()} />}
      <Table<ImportRun>
        rowKey="id"
        size="small"
        loading={q.isPending}
        dataSource={q.data?.imports ?? []}
        pagination={{ pageSize: 10, hideOnSinglePage: true }}
        locale={{ emptyText: t('common.empty') }}
        columns={[
          {
            title: t('sources.import.started'),
            dataIndex: 'startedAt',
            render: (at: string) => formatDate(at),
          },
          { title: t('sources.import.file'), dataIndex: 'fileName', render: (f: string | null) => f ?? '—' },
          { title: t('sources.import.mapping'), dataIndex: 'mapping' },
          {
            title: t('common.status'),
            dataIndex: 'status',
            render: (s: ImportRun['status'], r) =>
              s === 'running' ? (
                <Tag color="processing">
                  {t('sources.import.running', { n: formatNumber(r.progress?.records ?? r.records) })}
                </Tag>
              ) : (
                <Tag color={s === 'done' ? 'green' : 'red'} title={r.error ?? undefined}>
                  {t(`sources.import.status.${s}`)}
                </Tag>
              ),
          },
          {
            title: t('sources.import.records'),
            dataIndex: 'records',
            align: 'right',
            render: (n: number) => formatNumber(n),
          },
          {
            title: t('sources.result.accepted'),
            dataIndex: 'accepted',
            align: 'right',
            render: (n: number) => formatNumber(n),
          },
          {
            title: t('sources.result.duplicate'),
            dataIndex: 'duplicates',
            align: 'right',
            render: (n: number) => formatNumber(n),
          },
          {
            title: t('sources.result.rejected'),
            dataIndex: 'rejected',
            align: 'right',
            render: (n: number) => (n > 0 ? <Tag color="red">{formatNumber(n)}</Tag> : 0),
          },
        ]}
      />
    </Card>
  );
}
