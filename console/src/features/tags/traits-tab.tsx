import { PlusOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Button, Flex, Table, Typography } from 'antd';
import { useState } from 'react';
import { useI18n } from '../../i18n';
import { ErrorAlert } from '../../ui/error-alert';
import { StatusTag } from '../../ui/status-tag';
import { traitListQuery, type TraitDefinition, type TraitInfo } from './api';
import { nameIn } from './templates';
import { TraitDrawer } from './trait-drawer';

/** What a computed trait computes, in one line: `most_frequent($channel) · 90d`, `purchases: orders`. */
export function traitSummary(spec: TraitDefinition['spec']): string {
  if (spec.kind === 'purchases') return `purchases · ${spec.metric}`;
  const a = spec.aggregate;
  const events = a.event === undefined ? '' : Array.isArray(a.event) ? a.event.join(', ') : a.event;
  return [
    a.property === undefined ? a.fn : `${a.fn}(${a.property})`,
    events && `${events}`,
    a.where && a.where.length > 0 ? `where ×${a.where.length}` : '',
    a.within ?? '',
    a.limit !== undefined ? `limit ${a.limit}` : '',
  ]
    .filter(Boolean)
    .join(' · ');
}

/** The computed traits (`GET /api/v1/traits`), which tags and segments read. */
export function TraitsTab({ canEdit }: { canEdit: boolean }): React.JSX.Element {
  const { t, lang, formatDate } = useI18n();
  const q = useQuery(traitListQuery);
  /** The trait whose drawer is open, `{ key: null }` for a new one. */
  const [open, setOpen] = useState<{ key: string | null } | null>(null);
  return (
    <Flex vertical gap={12}>
      <Flex justify="space-between" align="center" wrap gap={8}>
        <Typography.Text type="secondary">{t('tags.traitsIntro')}</Typography.Text>
        {canEdit && (
          <Button icon={<PlusOutlined />} onClick={() => setOpen({ key: null })}>
            {t('tags.newTrait')}
          </Button>
        )}
      </Flex>
      {q.error && <ErrorAlert error={q.error} onRetry={() => void q.refetch()} />}
      <Table<TraitInfo>
        rowKey="key"
        data-testid="traits-table"
        loading={q.isPending}
        dataSource={q.data?.traits ?? []}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        locale={{ emptyText: t('common.empty') }}
        onRow={(x) => ({ onClick: () => setOpen({ key: x.key }), style: { cursor: 'pointer' } })}
        columns={[
          {
            title: t('common.name'),
            render: (_, x) => (
              <Flex vertical>
                <Typography.Link>{nameIn(x.definition.name, lang) ?? x.key}</Typography.Link>
                <Typography.Text code style={{ fontSize: 12 }}>
                  {x.key}
                </Typography.Text>
              </Flex>
            ),
          },
          {
            title: t('tags.computes'),
            render: (_, x) => (
              <Typography.Text style={{ fontSize: 12 }}>{traitSummary(x.definition.spec)}</Typography.Text>
            ),
          },
          {
            title: t('tags.description'),
            render: (_, x) => (
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {x.definition.description || '—'}
              </Typography.Text>
            ),
          },
          { title: t('common.status'), dataIndex: 'status', render: (s: string) => <StatusTag status={s} /> },
          { title: t('common.version'), dataIndex: 'version', align: 'right' },
          { title: t('common.createdAt'), dataIndex: 'createdAt', render: (at: string) => formatDate(at) },
        ]}
      />
      {open !== null && (
        <TraitDrawer
          key={open.key ?? '(new)'}
          traitKey={open.key}
          canEdit={canEdit}
          onClose={() => setOpen(null)}
        />
      )}
    </Flex>
  );
}
