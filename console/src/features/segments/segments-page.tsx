import { ReloadOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Button, Table, Tag, Typography } from 'antd';
import { api } from '../../api';
import type { Segment } from '../../api-types';
import { useI18n } from '../../i18n';
import { ErrorAlert } from '../../ui/error-alert';
import { Page } from '../../ui/page';
import { StatusTag } from '../../ui/status-tag';

/** Every segment with its size (the builder comes in a later step). */
export default function SegmentsPage(): React.JSX.Element {
  const { t, tryT, formatDate, formatNumber } = useI18n();
  const q = useQuery({ queryKey: ['segments'], queryFn: ({ signal }) => api.segments(signal) });
  return (
    <Page
      title={t('segments.title')}
      extra={
        <Button icon={<ReloadOutlined />} onClick={() => void q.refetch()} loading={q.isFetching}>
          {t('common.refresh')}
        </Button>
      }
    >
      {q.error && <ErrorAlert error={q.error} onRetry={() => void q.refetch()} />}
      <Table<Segment>
        rowKey="id"
        loading={q.isPending}
        dataSource={q.data?.segments ?? []}
        locale={{ emptyText: t('common.empty') }}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        columns={[
          {
            title: t('common.name'),
            render: (_, s) => (
              <>
                <Typography.Text strong>{s.name}</Typography.Text>
                <div>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {s.id}
                  </Typography.Text>
                </div>
              </>
            ),
          },
          {
            title: t('common.kind'),
            dataIndex: 'kind',
            render: (k: string) => tryT(`segments.kind.${k}`) ?? k,
          },
          { title: t('common.status'), dataIndex: 'status', render: (s: string) => <StatusTag status={s} /> },
          {
            title: t('segments.size'),
            dataIndex: 'size',
            align: 'right',
            render: (n: number | null) => (n === null ? '—' : formatNumber(n)),
          },
          {
            title: t('segments.realtime'),
            dataIndex: 'realtime',
            render: (r: boolean) => (r ? <Tag color="blue">{t('segments.realtime')}</Tag> : '—'),
          },
          {
            title: t('segments.changedAt'),
            dataIndex: 'changedAt',
            render: (at: string | null) => formatDate(at),
          },
          { title: t('common.version'), dataIndex: 'version', align: 'right' },
        ]}
      />
    </Page>
  );
}
