import { SearchOutlined } from '@ant-design/icons';
import {
  Flex,
  Input,
  Progress,
  Segmented,
  Select,
  Space,
  Table,
  Tag as AntTag,
  Tooltip,
  Typography,
} from 'antd';
import { useMemo, useState } from 'react';
import { Link } from '../../app/router';
import { useI18n } from '../../i18n';
import { StatusTag } from '../../ui/status-tag';
import { STATUSES, type Status, type TagCategory, type TagDetail, type TagInfo } from './api';
import { CatalogueCharts } from './catalogue-charts';
import { KindTag } from './kind-tag';
import { tagName } from './templates';

/** Every tag, filtered by category (with counts), status and a search, with its coverage. */
export function Catalogue({
  tags,
  loading,
  categories,
  details,
  detailsPending,
}: {
  tags: readonly TagInfo[];
  loading: boolean;
  categories: readonly TagCategory[];
  details: ReadonlyMap<string, TagDetail>;
  detailsPending: boolean;
}): React.JSX.Element {
  const { t, tryT, lang, formatDate, formatNumber } = useI18n();
  const [category, setCategory] = useState<string>('all');
  const [status, setStatus] = useState<Status | 'all'>('all');
  const [q, setQ] = useState('');

  const categoryName = (key: string) => categories.find((c) => c.key === key)?.name[lang] ?? key;
  const shown = useMemo(() => {
    const needle = q.trim().toLowerCase();
    return tags.filter(
      (tag) =>
        (category === 'all' || tag.definition.category === category) &&
        (status === 'all' || tag.status === status) &&
        (!needle ||
          tag.key.includes(needle) ||
          tagName(tag, lang).toLowerCase().includes(needle) ||
          tag.definition.description.toLowerCase().includes(needle)),
    );
  }, [tags, category, status, q, lang]);
  const count = (key: string) => tags.filter((x) => x.definition.category === key).length;
  const pct = (n: number) => formatNumber(n, { style: 'percent', maximumFractionDigits: 1 });

  return (
    <Flex vertical gap={16}>
      <Flex justify="space-between" wrap gap={8}>
        <Segmented
          data-testid="tag-category-filter"
          value={category}
          onChange={setCategory}
          options={[
            { value: 'all', label: `${t('common.all')} (${tags.length})` },
            ...categories.map((c) => ({ value: c.key, label: `${c.name[lang]} (${count(c.key)})` })),
          ]}
        />
        <Space wrap>
          <Select<Status | 'all'>
            value={status}
            onChange={setStatus}
            style={{ width: 140 }}
            aria-label={t('common.status')}
            options={[
              { value: 'all', label: t('tags.allStatuses') },
              ...STATUSES.map((s) => ({ value: s, label: tryT(`status.${s}`) ?? s })),
            ]}
          />
          <Input
            allowClear
            prefix={<SearchOutlined />}
            placeholder={t('tags.searchPlaceholder')}
            value={q}
            onChange={(e) => setQ(e.target.value)}
            style={{ width: 240 }}
          />
        </Space>
      </Flex>
      <CatalogueCharts tags={shown} details={details} />
      <Table<TagInfo>
        rowKey="key"
        data-testid="tags-table"
        loading={loading}
        dataSource={shown}
        locale={{ emptyText: t('common.empty') }}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        scroll={{ x: 1100 }}
        columns={[
          {
            title: t('common.name'),
            width: 280,
            render: (_, tag) => (
              <Space orientation="vertical" size={0}>
                <Link to={`/tags/${tag.key}`} data-testid={`tag-link-${tag.key}`}>
                  <Typography.Text strong style={{ color: 'inherit' }}>
                    {tagName(tag, lang)}
                  </Typography.Text>
                </Link>
                <Typography.Text code style={{ fontSize: 12 }}>
                  {tag.key}
                </Typography.Text>
              </Space>
            ),
            sorter: (a, b) => a.key.localeCompare(b.key),
          },
          {
            title: t('tags.category'),
            render: (_, tag) => <AntTag>{categoryName(tag.definition.category)}</AntTag>,
          },
          { title: t('common.kind'), render: (_, tag) => <KindTag tag={tag} /> },
          {
            title: t('common.status'),
            dataIndex: 'status',
            render: (s: string) => <StatusTag status={s} />,
          },
          {
            title: t('tags.coverage'),
            width: 200,
            sorter: (a, b) =>
              (details.get(a.key)?.stats?.coverage ?? -1) - (details.get(b.key)?.stats?.coverage ?? -1),
            render: (_, tag) => {
              const s = details.get(tag.key)?.stats;
              if (!s) return detailsPending ? <Typography.Text type="secondary">…</Typography.Text> : '—';
              return (
                <Tooltip
                  title={t('tags.coverageDetail', {
                    valued: formatNumber(s.valued),
                    profiles: formatNumber(s.profiles),
                  })}
                >
                  <Flex align="center" gap={8}>
                    <Progress
                      percent={s.coverage * 100}
                      showInfo={false}
                      size="small"
                      style={{ width: 96, margin: 0 }}
                    />
                    <span data-testid={`tag-coverage-${tag.key}`}>{pct(s.coverage)}</span>
                  </Flex>
                </Tooltip>
              );
            },
          },
          {
            title: t('tags.lastRefresh'),
            render: (_, tag) => {
              const r = details.get(tag.key)?.stats?.lastRefresh;
              return r ? formatDate(r.refreshed_at) : t('common.never');
            },
          },
          {
            title: t('tags.schedule'),
            render: (_, tag) => tryT(`schedule.${tag.definition.schedule}`) ?? tag.definition.schedule,
          },
          { title: t('tags.owner'), render: (_, tag) => tag.definition.owner || '—' },
          { title: t('common.version'), dataIndex: 'version', align: 'right' },
        ]}
      />
    </Flex>
  );
}
