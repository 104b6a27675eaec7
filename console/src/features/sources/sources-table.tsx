import { PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Popconfirm, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { roleAllows, type CreatedSource, type Source } from '../../api-types';
import { useUser } from '../../app/session';
import { useI18n } from '../../i18n';
import { sourcesQuery } from '../../queries';
import { ErrorAlert, useShowError } from '../../ui/error-alert';
import { sourcesApi } from './api';
import { NewSourceModal, RotateKeyModal, WriteKeyModal } from './source-modals';

/** Every source with its traffic, its key hint and its open rejections; admins create and switch them. */
export function SourcesTable({
  onOpenRejected,
}: {
  onOpenRejected: (sourceId: string) => void;
}): React.JSX.Element {
  const { t, tryT, formatDate, formatNumber } = useI18n();
  const user = useUser();
  const queryClient = useQueryClient();
  const q = useQuery(sourcesQuery);
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<{ source: CreatedSource; rotated: boolean } | null>(null);
  const [rotating, setRotating] = useState<Source | null>(null);
  const isAdmin = roleAllows(user.role, 'admin');
  const showError = useShowError();
  const toggle = useMutation({
    mutationFn: (s: Source) => sourcesApi.setDisabled(s.id, !s.disabled),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['sources'] }),
    onError: showError,
  });

  return (
    <Space orientation="vertical" style={{ width: '100%' }} size={12}>
      <Space>
        <Button icon={<ReloadOutlined />} onClick={() => void q.refetch()} loading={q.isFetching}>
          {t('common.refresh')}
        </Button>
        {isAdmin && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
            {t('sources.new')}
          </Button>
        )}
      </Space>
      {q.error && <ErrorAlert error={q.error} onRetry={() => void q.refetch()} />}
      <Table<Source>
        rowKey="id"
        loading={q.isPending}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        dataSource={q.data?.sources ?? []}
        locale={{ emptyText: t('common.empty') }}
        columns={[
          {
            title: t('sources.name'),
            dataIndex: 'name',
            render: (name: string, s) => (
              <Space orientation="vertical" size={0}>
                <Typography.Text strong>{name}</Typography.Text>
                <Typography.Text type="secondary" copyable={{ text: s.id }} style={{ fontSize: 12 }}>
                  {s.id}
                </Typography.Text>
              </Space>
            ),
          },
          {
            title: t('sources.kind'),
            dataIndex: 'kind',
            render: (k: string) => tryT(`sources.kind.${k}`) ?? k,
          },
          {
            title: t('sources.writeKeyHint'),
            dataIndex: 'writeKeyHint',
            render: (h: string, s) => (
              <Space orientation="vertical" size={0}>
                <Typography.Text code>{h}</Typography.Text>
                {s.retiredKeys.map((k) => (
                  <Typography.Text
                    key={k.hint}
                    type="secondary"
                    style={{ fontSize: 12 }}
                    data-testid="retired-key"
                  >
                    {t('sources.retiredKey', { hint: k.hint, at: formatDate(k.expiresAt) })}
                  </Typography.Text>
                ))}
              </Space>
            ),
          },
          {
            title: t('sources.events'),
            dataIndex: 'events',
            align: 'right',
            render: (n: number) => formatNumber(n),
          },
          {
            title: t('sources.lastEvent'),
            dataIndex: 'lastReceivedAt',
            render: (at: string | null) => (at ? formatDate(at) : t('common.never')),
          },
          {
            title: t('sources.rejectedOpen'),
            dataIndex: 'rejectedOpen',
            align: 'right',
            render: (n: number, s) =>
              n > 0 ? (
                <Tag color="red" style={{ cursor: 'pointer' }} onClick={() => onOpenRejected(s.id)}>
                  {formatNumber(n)}
                </Tag>
              ) : (
                0
              ),
          },
          {
            title: t('common.status'),
            dataIndex: 'disabled',
            render: (d: boolean) =>
              d ? <Tag>{t('sources.disabled')}</Tag> : <Tag color="green">{t('sources.enabled')}</Tag>,
          },
          { title: t('common.createdAt'), dataIndex: 'createdAt', render: (at: string) => formatDate(at) },
          ...(isAdmin
            ? [
                {
                  title: '',
                  key: 'actions',
                  render: (_: unknown, s: Source) =>
                    s.kind === 'internal' ? (
                      <Typography.Text type="secondary">{t('sources.internalHint')}</Typography.Text>
                    ) : (
                      <Space size="small">
                        <Button size="small" onClick={() => setRotating(s)}>
                          {t('sources.rotate')}
                        </Button>
                        <Popconfirm
                          title={s.disabled ? t('sources.enableConfirm') : t('sources.disableConfirm')}
                          okText={t('common.yes')}
                          cancelText={t('common.cancel')}
                          onConfirm={() => toggle.mutate(s)}
                        >
                          <Button size="small" danger={!s.disabled}>
                            {s.disabled ? t('sources.enable') : t('sources.disable')}
                          </Button>
                        </Popconfirm>
                      </Space>
                    ),
                },
              ]
            : []),
        ]}
      />
      <NewSourceModal
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={(s) => {
          setCreating(false);
          setCreated({ source: s, rotated: false });
          void queryClient.invalidateQueries({ queryKey: ['sources'] });
          void queryClient.invalidateQueries({ queryKey: ['overview'] });
        }}
      />
      {rotating && (
        <RotateKeyModal
          source={rotating}
          onClose={() => setRotating(null)}
          onRotated={(s) => {
            setRotating(null);
            setCreated({ source: s, rotated: true });
            void queryClient.invalidateQueries({ queryKey: ['sources'] });
          }}
        />
      )}
      {created && (
        <WriteKeyModal source={created.source} rotated={created.rotated} onClose={() => setCreated(null)} />
      )}
    </Space>
  );
}
