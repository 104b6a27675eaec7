import { useQuery } from '@tanstack/react-query';
import { Button, Drawer, Table } from 'antd';
import { useI18n } from '../../i18n';
import { ErrorAlert } from '../../ui/error-alert';
import { StatusTag } from '../../ui/status-tag';
import { journeysApi, type JourneyDefinition, type JourneyVersion } from './api';

/** Every version of the journey, newest first; one can be loaded onto the canvas to restore it. */
export function VersionsDrawer({
  journeyId,
  current,
  onClose,
  onLoad,
  readOnly,
}: {
  journeyId: string;
  current: number;
  onClose: () => void;
  onLoad: (d: JourneyDefinition, version: number) => void;
  readOnly: boolean;
}): React.JSX.Element {
  const { t, formatDate } = useI18n();
  const q = useQuery({
    queryKey: ['journey-versions', journeyId, current],
    queryFn: ({ signal }) => journeysApi.versions(journeyId, signal),
  });
  return (
    <Drawer open onClose={onClose} size={560} title={t('journeys.versions.title')}>
      {q.error && <ErrorAlert error={q.error} onRetry={() => void q.refetch()} />}
      <Table<JourneyVersion>
        size="small"
        rowKey="version"
        loading={q.isPending}
        dataSource={q.data?.versions ?? []}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        columns={[
          { title: t('common.version'), dataIndex: 'version', width: 70 },
          { title: t('common.status'), dataIndex: 'status', render: (s: string) => <StatusTag status={s} /> },
          { title: t('common.createdAt'), dataIndex: 'createdAt', render: (at: string) => formatDate(at) },
          {
            title: t('journeys.versions.by'),
            dataIndex: 'createdBy',
            render: (b: string | null) => b ?? '—',
          },
          {
            title: '',
            render: (_, v) =>
              v.version === current ? (
                t('journeys.versions.current')
              ) : (
                <Button size="small" disabled={readOnly} onClick={() => onLoad(v.definition, v.version)}>
                  {t('journeys.versions.load')}
                </Button>
              ),
          },
        ]}
      />
    </Drawer>
  );
}
