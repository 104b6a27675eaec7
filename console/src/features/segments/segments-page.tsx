import { DownOutlined, PlusOutlined, ReloadOutlined, SearchOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Button, Dropdown, Flex, Input, Segmented, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { roleAllows } from '../../api-types';
import { Link, navigate } from '../../app/router';
import { useUser } from '../../app/session';
import { useI18n } from '../../i18n';
import { ErrorAlert } from '../../ui/error-alert';
import { Page } from '../../ui/page';
import { StatusTag } from '../../ui/status-tag';
import { segmentsApi, type SegmentDetail } from './api';
import { summarise } from './condition-summary';
import { TEMPLATES } from './templates';

/** Every segment with its size and what it holds; a new one from scratch or from a template. */

type StatusFilter = 'all' | 'active' | 'archived';

export default function SegmentsPage(): React.JSX.Element {
  const { t, tryT, formatDate, formatNumber } = useI18n();
  const user = useUser();
  const q = useQuery({ queryKey: ['segments'], queryFn: ({ signal }) => segmentsApi.list(signal) });
  const [text, setText] = useState('');
  const [status, setStatus] = useState<StatusFilter>('all');
  const canWrite = roleAllows(user.role, 'marketer');
  const all = q.data?.segments ?? [];
  const nameOf = (id: string) => all.find((s) => s.id === id)?.name;
  const needle = text.trim().toLowerCase();
  const shown = all.filter(
    (s) =>
      (status === 'all' || s.status === status) &&
      (needle === '' ||
        s.name.toLowerCase().includes(needle) ||
        s.description.toLowerCase().includes(needle) ||
        s.id.includes(needle)),
  );

  return (
    <Page
      title={t('segments.title')}
      extra={
        <Space wrap>
          <Button icon={<ReloadOutlined />} onClick={() => void q.refetch()} loading={q.isFetching}>
            {t('common.refresh')}
          </Button>
          {canWrite && (
            <Space.Compact>
              <Button
                type="primary"
                icon={<PlusOutlined />}
                onClick={() => navigate('/segments/new')}
                data-testid="segment-new"
              >
                {t('segments.new')}
              </Button>
              <Dropdown
                trigger={['click']}
                menu={{
                  items: TEMPLATES.map((tpl) => ({
                    key: tpl.key,
                    label: (
                      <Flex vertical>
                        <span>{t(tpl.name)}</span>
                        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                          {t(tpl.description)}
                        </Typography.Text>
                      </Flex>
                    ),
                  })),
                  onClick: ({ key }) => navigate(`/segments/new?template=${key}`),
                }}
              >
                <Button type="primary" icon={<DownOutlined />} aria-label={t('segments.fromTemplate')}>
                  {t('segments.fromTemplate')}
                </Button>
              </Dropdown>
            </Space.Compact>
          )}
        </Space>
      }
    >
      <Flex wrap gap={12} justify="space-between">
        <Input
          allowClear
          prefix={<SearchOutlined />}
          style={{ width: 320 }}
          placeholder={t('segments.search')}
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
        <Segmented<StatusFilter>
          value={status}
          onChange={setStatus}
          options={[
            { value: 'all', label: `${t('common.all')} (${all.length})` },
            { value: 'active', label: tryT('status.active') ?? 'active' },
            { value: 'archived', label: tryT('status.archived') ?? 'archived' },
          ]}
        />
      </Flex>
      {q.error && <ErrorAlert error={q.error} onRetry={() => void q.refetch()} />}
      <Table<SegmentDetail>
        rowKey="id"
        loading={q.isPending}
        dataSource={shown}
        locale={{ emptyText: needle ? t('segments.noMatch') : t('segments.empty') }}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        onRow={(s) => ({
          onClick: (e) => {
            // The name is a link already (new tab, copy); a click elsewhere on the row opens it too.
            if ((e.target as HTMLElement).closest('a, button')) return;
            navigate(`/segments/${s.id}`);
          },
          style: { cursor: 'pointer' },
        })}
        columns={[
          {
            title: t('common.name'),
            render: (_, s) => (
              <Flex vertical gap={2} style={{ maxWidth: 560 }}>
                <Link to={`/segments/${s.id}`}>
                  <Typography.Text strong>{s.name}</Typography.Text>
                </Link>
                {s.description && (
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {s.description}
                  </Typography.Text>
                )}
                {s.kind === 'dynamic' && (
                  <Typography.Text type="secondary" style={{ fontSize: 12 }} ellipsis={{ tooltip: true }}>
                    {summarise(s.condition, t, nameOf)}
                  </Typography.Text>
                )}
              </Flex>
            ),
          },
          {
            title: t('common.kind'),
            dataIndex: 'kind',
            render: (k: string) => tryT(`segments.kind.${k}`) ?? k,
          },
          {
            title: t('common.status'),
            dataIndex: 'status',
            render: (s: string) => <StatusTag status={s} />,
          },
          {
            title: t('segments.size'),
            dataIndex: 'size',
            align: 'right',
            sorter: (a, b) => (a.size ?? -1) - (b.size ?? -1),
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
