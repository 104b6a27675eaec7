import { ReloadOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Button, Table, Tag as AntTag, Typography } from 'antd';
import { api } from '../../api';
import type { LocalName, Tag } from '../../api-types';
import { useI18n, type Lang } from '../../i18n';
import { ErrorAlert } from '../../ui/error-alert';
import { Page } from '../../ui/page';
import { StatusTag } from '../../ui/status-tag';

const nameIn = (name: LocalName | undefined, lang: Lang): string | undefined =>
  typeof name === 'string' ? name : name ? (name[lang] ?? name['zh-CN'] ?? name.en) : undefined;

/** Every tag with its category, kind and status (editing comes in a later step). */
export default function TagsPage(): React.JSX.Element {
  const { t, tryT, lang, formatDate } = useI18n();
  const q = useQuery({ queryKey: ['tags'], queryFn: ({ signal }) => api.tags(signal) });
  const categories = useQuery({
    queryKey: ['tag-categories'],
    queryFn: ({ signal }) => api.tagCategories(signal),
    staleTime: Infinity,
  });
  const categoryName = (key: string) =>
    categories.data?.categories.find((c) => c.key === key)?.name[lang] ?? key;

  return (
    <Page
      title={t('tags.title')}
      extra={
        <Button icon={<ReloadOutlined />} onClick={() => void q.refetch()} loading={q.isFetching}>
          {t('common.refresh')}
        </Button>
      }
    >
      {q.error && <ErrorAlert error={q.error} onRetry={() => void q.refetch()} />}
      <Table<Tag>
        rowKey="key"
        loading={q.isPending}
        dataSource={q.data?.tags ?? []}
        locale={{ emptyText: t('common.empty') }}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        columns={[
          {
            title: t('common.name'),
            render: (_, tag) => (
              <>
                <Typography.Text strong>{nameIn(tag.definition.name, lang) ?? tag.key}</Typography.Text>
                {tag.definition.description && (
                  <div>
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {tag.definition.description}
                    </Typography.Text>
                  </div>
                )}
              </>
            ),
          },
          {
            title: t('tags.key'),
            dataIndex: 'key',
            render: (k: string) => (
              <Typography.Text code style={{ whiteSpace: 'nowrap' }}>
                {k}
              </Typography.Text>
            ),
          },
          {
            title: t('tags.category'),
            render: (_, tag) => <AntTag>{categoryName(tag.definition.category)}</AntTag>,
          },
          {
            title: t('common.kind'),
            render: (_, tag) =>
              tag.definition.spec.model
                ? `${tag.definition.spec.kind} · ${tag.definition.spec.model}`
                : tag.definition.spec.kind,
          },
          { title: t('common.status'), dataIndex: 'status', render: (s: string) => <StatusTag status={s} /> },
          {
            title: t('tags.schedule'),
            render: (_, tag) => tryT(`schedule.${tag.definition.schedule}`) ?? tag.definition.schedule,
          },
          { title: t('tags.owner'), render: (_, tag) => tag.definition.owner || '—' },
          { title: t('common.version'), dataIndex: 'version', align: 'right' },
          { title: t('common.createdAt'), dataIndex: 'createdAt', render: (at: string) => formatDate(at) },
        ]}
      />
    </Page>
  );
}
