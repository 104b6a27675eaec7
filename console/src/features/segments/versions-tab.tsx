import { RollbackOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Popconfirm, Table, Tag, Typography } from 'antd';
import { roleAllows } from '../../api-types';
import { useUser } from '../../app/session';
import { useI18n } from '../../i18n';
import { ErrorAlert, useShowError } from '../../ui/error-alert';
import { StatusTag } from '../../ui/status-tag';
import { segmentsApi, type SegmentDetail, type SegmentSchedule, type SegmentVersion } from './api';
import { useActorName } from './actor-name';
import { summarise } from './condition-summary';

/** Every version, newest first; an older one can be made current again (as a new version). */
export function VersionsTab({ segment }: { segment: SegmentDetail }): React.JSX.Element {
  const { t, formatDate } = useI18n();
  const { message } = App.useApp();
  const user = useUser();
  const showError = useShowError();
  const queryClient = useQueryClient();
  const q = useQuery({
    queryKey: ['segment', segment.id, 'versions', segment.version],
    queryFn: ({ signal }) => segmentsApi.versions(segment.id, signal),
  });
  const list = useQuery({ queryKey: ['segments'], queryFn: ({ signal }) => segmentsApi.list(signal) });
  const nameOf = (id: string) => list.data?.segments.find((s) => s.id === id)?.name;
  const restore = useMutation({
    mutationFn: (v: SegmentVersion) =>
      segmentsApi.update(segment.id, {
        name: v.definition.name,
        description: v.definition.description,
        ...(segment.kind === 'dynamic'
          ? {
              condition: v.definition.condition,
              realtime: v.definition.realtime,
              schedule: v.definition.schedule as SegmentSchedule,
            }
          : {}),
      }),
    onSuccess: (s, v) => {
      queryClient.setQueryData(['segment', s.id], s);
      void queryClient.invalidateQueries({ queryKey: ['segment', s.id] });
      void queryClient.invalidateQueries({ queryKey: ['segments'] });
      void message.success(t('segments.versions.restored', { from: v.version, version: s.version }));
    },
    onError: showError,
  });
  const canWrite = roleAllows(user.role, 'marketer');
  const actor = useActorName();
  if (q.error) return <ErrorAlert error={q.error} onRetry={() => void q.refetch()} />;
  return (
    <Table<SegmentVersion>
      size="small"
      rowKey="version"
      loading={q.isPending}
      dataSource={q.data?.versions ?? []}
      pagination={{ pageSize: 20, hideOnSinglePage: true }}
      expandable={{
        expandedRowRender: (v) => (
          <pre style={{ margin: 0, fontSize: 12, whiteSpace: 'pre-wrap' }}>
            {JSON.stringify(v.definition, null, 2)}
          </pre>
        ),
      }}
      columns={[
        {
          title: t('common.version'),
          dataIndex: 'version',
          render: (n: number) => (
            <>
              v{n} {n === segment.version && <Tag color="blue">{t('segments.versions.current')}</Tag>}
            </>
          ),
        },
        { title: t('common.name'), render: (_, v) => v.definition.name },
        {
          title: t('segments.def.condition'),
          render: (_, v) =>
            v.definition.kind === 'dynamic' ? (
              <Typography.Text style={{ fontSize: 12 }}>
                {summarise(v.definition.condition, t, nameOf)}
              </Typography.Text>
            ) : (
              t('segments.kind.static')
            ),
        },
        { title: t('common.status'), dataIndex: 'status', render: (s: string) => <StatusTag status={s} /> },
        { title: t('segments.versions.by'), dataIndex: 'createdBy', render: (b: string | null) => actor(b) },
        { title: t('common.createdAt'), dataIndex: 'createdAt', render: (at: string) => formatDate(at) },
        {
          title: '',
          align: 'right',
          render: (_, v) =>
            canWrite && v.version !== segment.version ? (
              <Popconfirm
                title={t('segments.versions.restoreConfirm', { version: v.version })}
                okText={t('segments.versions.restore')}
                cancelText={t('common.cancel')}
                onConfirm={() => restore.mutate(v)}
              >
                <Button
                  size="small"
                  icon={<RollbackOutlined />}
                  loading={restore.isPending && restore.variables === v}
                >
                  {t('segments.versions.restore')}
                </Button>
              </Popconfirm>
            ) : null,
        },
      ]}
    />
  );
}
