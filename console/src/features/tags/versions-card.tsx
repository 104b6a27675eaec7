import { RollbackOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Empty, Popconfirm, Table, Typography, theme } from 'antd';
import { useMemo, useState } from 'react';
import { useI18n } from '../../i18n';
import { ErrorAlert, useShowError } from '../../ui/error-alert';
import { StatusTag } from '../../ui/status-tag';
import { tagsApi, tagVersionsQuery, type TagInfo } from './api';
import { lineDiff, sideBySide, type DiffLine } from './line-diff';
import { paramSummary } from './params';
import { useParamLabel } from './param-fields';
import { useActorName } from './use-actor';

const MONO = { fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace', fontSize: 12 };

/** Two versions' definitions side by side, changed lines marked. */
function VersionDiff({ older, newer }: { older: TagInfo; newer: TagInfo }): React.JSX.Element {
  const { t } = useI18n();
  const { token } = theme.useToken();
  const rows = useMemo(() => {
    // The status is changed in place (not a version): leave it out of what a version changed.
    const text = (v: TagInfo) => JSON.stringify({ ...v.definition, status: undefined }, null, 2).split('\n');
    return sideBySide(lineDiff(text(older), text(newer)));
  }, [older, newer]);
  const changed = rows.filter((r) => r.left?.kind !== 'same').length;
  const cell = (d: DiffLine | null) => ({
    ...MONO,
    whiteSpace: 'pre-wrap' as const,
    wordBreak: 'break-all' as const,
    padding: '0 8px',
    minHeight: 18,
    background:
      d === null
        ? token.colorFillQuaternary
        : d.kind === 'del'
          ? token.colorErrorBg
          : d.kind === 'add'
            ? token.colorSuccessBg
            : undefined,
  });
  return (
    <div data-testid="version-diff">
      <Typography.Text type="secondary">
        {changed === 0 ? t('tags.diffSame') : t('tags.diffChanged', { n: changed })}
      </Typography.Text>
      <div
        style={{
          display: 'grid',
          gridTemplateColumns: '1fr 1fr',
          marginTop: 8,
          border: `1px solid ${token.colorBorderSecondary}`,
          maxHeight: 480,
          overflow: 'auto',
        }}
      >
        <div style={{ ...MONO, padding: '4px 8px', fontWeight: 600 }}>
          {t('tags.versionN', { version: older.version })}
        </div>
        <div style={{ ...MONO, padding: '4px 8px', fontWeight: 600 }}>
          {t('tags.versionN', { version: newer.version })}
        </div>
        {rows.flatMap((r, i) => [
          <div key={`l${i}`} style={cell(r.left)} data-diff={r.left?.kind ?? 'none'}>
            {r.left ? `${r.left.kind === 'del' ? '− ' : '  '}${r.left.text}` : ''}
          </div>,
          <div key={`r${i}`} style={cell(r.right)} data-diff={r.right?.kind ?? 'none'}>
            {r.right ? `${r.right.kind === 'add' ? '+ ' : '  '}${r.right.text}` : ''}
          </div>,
        ])}
      </div>
    </div>
  );
}

/** Every version of a tag, newest first, two of them compared; marketers can restore an old one. */
export function VersionsCard({ tag, canEdit }: { tag: TagInfo; canEdit: boolean }): React.JSX.Element {
  const { t, tryT, formatDate } = useI18n();
  const { message } = App.useApp();
  const showError = useShowError();
  const queryClient = useQueryClient();
  const label = useParamLabel();
  const actor = useActorName();
  const q = useQuery(tagVersionsQuery(tag.key));
  const versions = q.data?.versions ?? [];
  const [picked, setPicked] = useState<number[] | null>(null);
  const selected = picked ?? versions.slice(0, 2).map((v) => v.version);
  const pair = versions.filter((v) => selected.includes(v.version)).sort((a, b) => a.version - b.version);

  const restore = useMutation({
    mutationFn: (v: TagInfo) => tagsApi.update(tag.key, { ...v.definition, status: tag.status }),
    onSuccess: (info, v) => {
      void message.success(t('tags.restored', { from: v.version, version: info.version }));
      setPicked(null);
      void queryClient.invalidateQueries({ queryKey: ['tag', tag.key] });
      void queryClient.invalidateQueries({ queryKey: ['tags'] });
    },
    onError: showError,
  });

  return (
    <Card title={t('tags.versions')} size="small">
      {q.error && <ErrorAlert error={q.error} onRetry={() => void q.refetch()} />}
      <Table<TagInfo>
        size="small"
        rowKey="version"
        data-testid="tag-versions"
        loading={q.isPending}
        dataSource={versions}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        locale={{ emptyText: t('common.empty') }}
        rowSelection={{
          selectedRowKeys: selected,
          onChange: (keys) => setPicked((keys as number[]).slice(-2)),
          columnTitle: t('tags.compare'),
          columnWidth: 64,
        }}
        columns={[
          { title: t('common.version'), dataIndex: 'version', render: (v: number) => `v${v}` },
          { title: t('common.status'), dataIndex: 'status', render: (s: string) => <StatusTag status={s} /> },
          {
            title: t('tags.rules'),
            render: (_, v) => {
              const s = v.definition.spec;
              return (
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {tryT(`tags.kind.${s.kind}`) ?? s.kind}
                  {s.kind === 'model' ? ` · ${tryT(`tags.model.${s.model}`) ?? s.model}` : ''}
                  {paramSummary(s, label) ? ` · ${paramSummary(s, label)}` : ''}
                </Typography.Text>
              );
            },
          },
          { title: t('common.createdAt'), dataIndex: 'createdAt', render: (at: string) => formatDate(at) },
          { title: t('tags.createdBy'), dataIndex: 'createdBy', render: (by: string | null) => actor(by) },
          ...(canEdit
            ? [
                {
                  title: '',
                  key: 'restore',
                  render: (_: unknown, v: TagInfo) =>
                    v.version === tag.version ? null : (
                      <Popconfirm
                        title={t('tags.restoreConfirm', { from: v.version, version: tag.version + 1 })}
                        okText={t('tags.restore')}
                        cancelText={t('common.cancel')}
                        onConfirm={() => restore.mutate(v)}
                      >
                        <Button
                          size="small"
                          icon={<RollbackOutlined />}
                          loading={restore.isPending && restore.variables?.version === v.version}
                        >
                          {t('tags.restore')}
                        </Button>
                      </Popconfirm>
                    ),
                },
              ]
            : []),
        ]}
      />
      <div style={{ marginTop: 16 }}>
        {pair.length === 2 ? (
          <VersionDiff older={pair[0]!} newer={pair[1]!} />
        ) : (
          <Empty
            image={Empty.PRESENTED_IMAGE_SIMPLE}
            description={versions.length < 2 ? t('tags.oneVersion') : t('tags.pickTwo')}
          />
        )}
      </div>
    </Card>
  );
}
