import { ReloadOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Button, Table, Typography } from 'antd';
import { api } from '../../api';
import type { Journey } from '../../api-types';
import { useI18n } from '../../i18n';
import { ErrorAlert } from '../../ui/error-alert';
import { Page } from '../../ui/page';
import { StatusTag } from '../../ui/status-tag';

/** Every journey with how many people are in it (the canvas comes in a later step). */
export default function JourneysPage(): React.JSX.Element {
  const { t, tryT, formatDate, formatNumber } = useI18n();
  const q = useQuery({ queryKey: ['journeys'], queryFn: ({ signal }) => api.journeys(signal) });
  return (
    <Page
      title={t('journeys.title')}
      extra={
        <Button icon={<ReloadOutlined />} onClick={() => void q.refetch()} loading={q.isFetching}>
          {t('common.refresh')}
        </Button>
      }
    >
      {q.error && <ErrorAlert error={q.error} onRetry={() => void q.refetch()} />}
      <Table<Journey>
        rowKey="id"
        loading={q.isPending}
        dataSource={q.data?.journeys ?? []}
        locale={{ emptyText: t('common.empty') }}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        columns={[
          {
            title: t('common.name'),
            render: (_, j) => (
              <>
                <Typography.Text strong>{j.definition.name}</Typography.Text>
                <div>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {j.id}
                  </Typography.Text>
                </div>
              </>
            ),
          },
          {
            title: t('journeys.trigger'),
            render: (_, j) => tryT(`trigger.${j.definition.trigger.kind}`) ?? j.definition.trigger.kind,
          },
          { title: t('common.status'), dataIndex: 'status', render: (s: string) => <StatusTag status={s} /> },
          {
            title: t('journeys.active'),
            align: 'right',
            render: (_, j) => formatNumber(j.running.active),
          },
          {
            title: t('journeys.waiting'),
            align: 'right',
            render: (_, j) => formatNumber(j.running.waiting),
          },
          { title: t('common.version'), dataIndex: 'version', align: 'right' },
          { title: t('common.createdAt'), dataIndex: 'createdAt', render: (at: string) => formatDate(at) },
        ]}
      />
    </Page>
  );
}
