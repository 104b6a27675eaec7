import { LeftOutlined, ReloadOutlined, RightOutlined, VerticalRightOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Button, Card, Flex, Select, Space, Table, Tag, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useI18n } from '../../i18n';
import { ErrorAlert } from '../../ui/error-alert';
import { useActorName, useUsername } from './actors';
import { keys, settingsApi, type AuditEntry } from './api';
import { AuditFilterForm, type AuditFilter } from './audit-filter';

const PAGE_SIZES = [20, 50, 100, 200];

const summary = (detail: Record<string, unknown> | null): string =>
  detail
    ? Object.entries(detail)
        .slice(0, 4)
        .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
        .join(' · ')
    : '';

/**
 * The audit log, newest first, a page at a time. Every filter (action prefix, target, actor,
 * dates) is the server's, and "older" follows the server's `before` cursor, so a page stays put
 * when new entries arrive meanwhile; "newer" goes back through the cursors already followed.
 */
export function AuditTab(): React.JSX.Element {
  const { t, tryT, formatDate, formatNumber } = useI18n();
  const actorName = useActorName();
  const username = useUsername();
  const [filter, setFilter] = useState<AuditFilter>({});
  const [pageSize, setPageSize] = useState(50);
  /** The cursors followed from the newest page: the last one is the shown page's. */
  const [cursors, setCursors] = useState<Array<string | undefined>>([undefined]);
  const before = cursors[cursors.length - 1];
  const q = useQuery({
    queryKey: [...keys.audit, filter, pageSize, before],
    queryFn: ({ signal }) =>
      settingsApi.audit({ ...filter, limit: pageSize, ...(before ? { before } : {}) }, signal),
    placeholderData: (previous) => previous,
  });
  const entries = useMemo(() => q.data?.entries ?? [], [q.data]);
  const seenActors = useMemo(() => entries.flatMap((e) => (e.actor ? [e.actor] : [])), [entries]);
  const next = q.data?.next ?? null;
  const restart = (): void => setCursors([undefined]);

  return (
    <Card
      title={t('settings.tab.audit')}
      extra={
        <Button icon={<ReloadOutlined />} onClick={() => void q.refetch()} loading={q.isFetching}>
          {t('common.refresh')}
        </Button>
      }
    >
      <Flex vertical gap={12}>
        <AuditFilterForm
          seenActors={seenActors}
          onApply={(f) => {
            setFilter(f);
            restart();
          }}
        />
        {q.error && <ErrorAlert error={q.error} onRetry={() => void q.refetch()} />}
        <Table<AuditEntry>
          size="small"
          rowKey="id"
          data-testid="audit-table"
          loading={q.isFetching}
          dataSource={entries}
          pagination={false}
          locale={{ emptyText: t('settings.audit.empty') }}
          expandable={{
            rowExpandable: (e) => e.detail !== null,
            expandedRowRender: (e) => (
              <pre style={{ margin: 0, whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>
                {JSON.stringify(e.detail, null, 2)}
              </pre>
            ),
          }}
          columns={[
            {
              title: t('settings.audit.at'),
              dataIndex: 'at',
              width: 200,
              render: (at: string) => formatDate(at),
            },
            {
              title: t('settings.audit.actor'),
              dataIndex: 'actor',
              render: (a: string | null) => actorName(a),
            },
            {
              title: t('settings.audit.action'),
              dataIndex: 'action',
              render: (a: string) => (
                <Space size={4}>
                  <Tag>{a}</Tag>
                  {tryT(`settings.audit.action.${a}`) && (
                    <Typography.Text type="secondary">{tryT(`settings.audit.action.${a}`)}</Typography.Text>
                  )}
                </Space>
              ),
            },
            {
              title: t('settings.audit.target'),
              dataIndex: 'target',
              render: (target: string | null) =>
                target ? (
                  <Space size={4} wrap>
                    <Typography.Text code>{target}</Typography.Text>
                    {username(target) && (
                      <Typography.Text type="secondary">{username(target)}</Typography.Text>
                    )}
                  </Space>
                ) : (
                  '—'
                ),
            },
            {
              title: t('settings.audit.detail'),
              dataIndex: 'detail',
              ellipsis: true,
              render: (d: Record<string, unknown> | null) => (
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {summary(d)}
                </Typography.Text>
              ),
            },
          ]}
        />
        <Flex justify="space-between" align="center" wrap gap={8}>
          <Typography.Text type="secondary" data-testid="audit-page">
            {t('settings.audit.page', {
              page: formatNumber(cursors.length),
              count: formatNumber(entries.length),
            })}
          </Typography.Text>
          <Space wrap>
            <Button icon={<VerticalRightOutlined />} disabled={cursors.length === 1} onClick={restart}>
              {t('settings.audit.newest')}
            </Button>
            <Button
              icon={<LeftOutlined />}
              disabled={cursors.length === 1}
              onClick={() => setCursors((c) => (c.length > 1 ? c.slice(0, -1) : c))}
            >
              {t('settings.audit.newer')}
            </Button>
            <Button
              data-testid="audit-older"
              disabled={next === null || q.isPlaceholderData}
              loading={q.isFetching && cursors.length > 1}
              onClick={() => {
                if (next !== null) setCursors((c) => [...c, next]);
              }}
            >
              {t('settings.audit.older')}
              <RightOutlined />
            </Button>
            <Select
              data-testid="audit-page-size"
              value={pageSize}
              style={{ width: 120 }}
              onChange={(size) => {
                setPageSize(size);
                restart();
              }}
              options={PAGE_SIZES.map((size) => ({
                value: size,
                label: t('settings.audit.pageSize', { size }),
              }))}
            />
          </Space>
        </Flex>
      </Flex>
    </Card>
  );
}
