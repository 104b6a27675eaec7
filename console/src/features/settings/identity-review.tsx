import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Popconfirm, Segmented, Space, Table, Tag, Tooltip, Typography } from 'antd';
import { useState } from 'react';
import { roleAllows } from '../../api-types';
import { Link } from '../../app/router';
import { useUser } from '../../app/session';
import { useI18n } from '../../i18n';
import { ErrorAlert, useShowError } from '../../ui/error-alert';
import { keys, settingsApi, type ReviewItem, type ReviewSide, type ReviewStatus } from './api';

const STATUSES: readonly ReviewStatus[] = ['open', 'approved', 'rejected'];

function Side({ side }: { side: ReviewSide }): React.JSX.Element {
  return (
    <Space orientation="vertical" size={0}>
      <span>
        <Typography.Text type="secondary">{side.identifier.type}</Typography.Text> {side.identifier.value}
      </span>
      {side.profileId ? (
        <Link to={`/people/${encodeURIComponent(side.profileId)}`} style={{ fontSize: 12 }}>
          {side.profileId}
        </Link>
      ) : (
        <Typography.Text type="secondary">—</Typography.Text>
      )}
    </Space>
  );
}

/**
 * Fuzzy matches that scored between the review and auto-merge thresholds: a person decides.
 * Approving links the two profiles (audited as a manual link); rejecting keeps them apart.
 */
export function ReviewQueue(): React.JSX.Element {
  const { t, tryT, formatDate } = useI18n();
  const user = useUser();
  const { message } = App.useApp();
  const showError = useShowError();
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<ReviewStatus>('open');
  const q = useQuery({
    queryKey: [...keys.identity, 'review', status],
    queryFn: ({ signal }) => settingsApi.reviews(status, 200, signal),
  });
  const canDecide = roleAllows(user.role, 'marketer');
  const decide = useMutation({
    mutationFn: ({ id, decision }: { id: string; decision: 'approve' | 'reject' }) =>
      settingsApi.decideReview(id, decision),
    onSuccess: (r) => {
      if (r.refused) void message.warning(t('settings.review.refused', { reason: r.refused }));
      else
        void message.success(
          r.status === 'approved' ? t('settings.review.approvedDone') : t('settings.review.rejectedDone'),
        );
      void queryClient.invalidateQueries({ queryKey: keys.identity });
      void queryClient.invalidateQueries({ queryKey: keys.audit });
    },
    onError: showError,
  });

  return (
    <Card
      title={t('settings.review.title')}
      data-testid="identity-review"
      extra={
        <Segmented<ReviewStatus>
          value={status}
          onChange={setStatus}
          options={STATUSES.map((s) => ({ value: s, label: t(`settings.review.status.${s}`) }))}
        />
      }
    >
      {q.error && <ErrorAlert error={q.error} onRetry={() => void q.refetch()} />}
      <Table<ReviewItem>
        size="small"
        rowKey="id"
        loading={q.isPending}
        dataSource={q.data?.reviews ?? []}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        locale={{ emptyText: status === 'open' ? t('settings.review.empty') : t('common.empty') }}
        columns={[
          {
            title: t('settings.review.score'),
            dataIndex: 'score',
            width: 90,
            sorter: (a, b) => a.score - b.score,
            render: (s: number) => s.toFixed(2),
          },
          { title: 'A', key: 'a', render: (_: unknown, r) => <Side side={r.a} /> },
          { title: 'B', key: 'b', render: (_: unknown, r) => <Side side={r.b} /> },
          {
            title: t('settings.review.evidence'),
            dataIndex: 'fields',
            render: (fields: ReviewItem['fields']) => (
              <Space wrap size={4}>
                {fields.map((f) => (
                  <Tooltip key={f.field} title={`${f.weight >= 0 ? '+' : ''}${f.weight.toFixed(2)}`}>
                    <Tag color={f.weight > 0 ? 'green' : f.weight < 0 ? 'red' : 'default'}>
                      {tryT(`settings.review.field.${f.field}`) ?? f.field}:{' '}
                      {tryT(`settings.review.outcome.${f.outcome}`) ?? f.outcome}
                    </Tag>
                  </Tooltip>
                ))}
              </Space>
            ),
          },
          { title: t('common.createdAt'), dataIndex: 'createdAt', render: (at: string) => formatDate(at) },
          {
            title: t('settings.actions'),
            key: 'actions',
            render: (_: unknown, r) => {
              if (r.status !== 'open') return <Tag>{t(`settings.review.status.${r.status}`)}</Tag>;
              if (r.sameProfileNow) return <Tag color="blue">{t('settings.review.sameNow')}</Tag>;
              if (!canDecide) return null;
              return (
                <Space size={0}>
                  <Popconfirm
                    title={t('settings.review.approveConfirm')}
                    description={t('settings.review.approveHint')}
                    okText={t('settings.review.approve')}
                    cancelText={t('common.cancel')}
                    onConfirm={() => decide.mutate({ id: r.id, decision: 'approve' })}
                  >
                    <Button type="link" size="small" disabled={decide.isPending}>
                      {t('settings.review.approve')}
                    </Button>
                  </Popconfirm>
                  <Button
                    type="link"
                    size="small"
                    danger
                    disabled={decide.isPending}
                    onClick={() => decide.mutate({ id: r.id, decision: 'reject' })}
                  >
                    {t('settings.review.reject')}
                  </Button>
                </Space>
              );
            },
          },
        ]}
      />
    </Card>
  );
}
