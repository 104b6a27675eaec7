import { PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Button, Space, Table, Tag, Typography } from 'antd';
import { roleAllows } from '../../api-types';
import { Link, navigate } from '../../app/router';
import { useUser } from '../../app/session';
import { useI18n } from '../../i18n';
import { ErrorAlert } from '../../ui/error-alert';
import { Page } from '../../ui/page';
import { StatusTag } from '../../ui/status-tag';
import { channelsOf, journeysApi, type JourneyInfo } from './api';
import { TemplateGallery } from './template-gallery';

/** Every journey with its status and the people in it now, and the templates to start a new one from. */
export default function JourneysPage(): React.JSX.Element {
  const { t, tryT, formatDate, formatNumber } = useI18n();
  const user = useUser();
  const canWrite = roleAllows(user.role, 'marketer');
  const q = useQuery({ queryKey: ['journeys'], queryFn: ({ signal }) => journeysApi.list(signal) });
  const rows = [...(q.data?.journeys ?? [])].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  return (
    <Page
      title={t('journeys.title')}
      extra={
        <Space>
          <Button icon={<ReloadOutlined />} onClick={() => void q.refetch()} loading={q.isFetching}>
            {t('common.refresh')}
          </Button>
          {canWrite && (
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => navigate('/journeys/new')}
              data-testid="journey-new"
            >
              {t('journeys.new')}
            </Button>
          )}
        </Space>
      }
    >
      {q.error && <ErrorAlert error={q.error} onRetry={() => void q.refetch()} />}
      <Table<JourneyInfo>
        rowKey="id"
        loading={q.isPending}
        dataSource={rows}
        locale={{ emptyText: t('journeys.empty') }}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        onRow={(j) => ({ onDoubleClick: () => navigate(`/journeys/${j.id}`) })}
        columns={[
          {
            title: t('common.name'),
            render: (_, j) => (
              <>
                <Link to={`/journeys/${j.id}`}>
                  <Typography.Text strong>{j.definition.name}</Typography.Text>
                </Link>
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
          {
            title: t('journeys.gallery.channels'),
            render: (_, j) =>
              channelsOf(j.definition).map((c) => (
                <Tag key={c} style={{ marginInlineEnd: 4 }}>
                  {t(`journeys.channel.${c}`)}
                </Tag>
              )),
          },
          { title: t('common.status'), dataIndex: 'status', render: (s: string) => <StatusTag status={s} /> },
          {
            title: t('journeys.active'),
            align: 'right',
            render: (_, j) => formatNumber(j.running.active + j.running.waiting),
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
      <TemplateGallery canUse={canWrite} />
    </Page>
  );
}
