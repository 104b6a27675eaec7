import { useQuery } from '@tanstack/react-query';
import { Card, Table, Tag, Typography } from 'antd';
import { api } from '../../api';
import type { ApiKeyInfo, Role, User } from '../../api-types';
import { useI18n } from '../../i18n';
import { ErrorAlert } from '../../ui/error-alert';
import { Page } from '../../ui/page';

/** Console users and API keys (admin only; managing them comes in a later step). */
export default function SettingsPage(): React.JSX.Element {
  const { t, formatDate } = useI18n();
  const users = useQuery({ queryKey: ['users'], queryFn: ({ signal }) => api.users(signal) });
  const keys = useQuery({ queryKey: ['api-keys'], queryFn: ({ signal }) => api.apiKeys(signal) });
  const role = (r: Role) => <Tag>{t(`role.${r}`)}</Tag>;
  return (
    <Page title={t('settings.title')}>
      <Card title={t('settings.users')}>
        {users.error && <ErrorAlert error={users.error} onRetry={() => void users.refetch()} />}
        <Table<User>
          size="small"
          rowKey="id"
          loading={users.isPending}
          dataSource={users.data?.users ?? []}
          pagination={false}
          columns={[
            { title: t('settings.username'), dataIndex: 'username' },
            { title: t('settings.displayName'), dataIndex: 'displayName' },
            { title: t('settings.role'), dataIndex: 'role', render: role },
            {
              title: t('common.status'),
              dataIndex: 'disabled',
              render: (d: boolean | undefined) =>
                d ? <Tag>{t('sources.disabled')}</Tag> : <Tag color="green">{t('sources.enabled')}</Tag>,
            },
            {
              title: t('settings.lastLogin'),
              dataIndex: 'lastLoginAt',
              render: (at: string | null | undefined) => (at ? formatDate(at) : t('common.never')),
            },
          ]}
        />
      </Card>
      <Card title={t('settings.apiKeys')}>
        {keys.error && <ErrorAlert error={keys.error} onRetry={() => void keys.refetch()} />}
        <Table<ApiKeyInfo>
          size="small"
          rowKey="id"
          loading={keys.isPending}
          dataSource={keys.data?.apiKeys ?? []}
          pagination={false}
          columns={[
            { title: t('common.name'), dataIndex: 'name' },
            { title: t('settings.role'), dataIndex: 'role', render: role },
            {
              title: t('settings.keyHint'),
              dataIndex: 'hint',
              render: (h: string) => <Typography.Text code>{h}</Typography.Text>,
            },
            {
              title: t('common.status'),
              dataIndex: 'revoked',
              render: (r: boolean) =>
                r ? (
                  <Tag color="red">{t('settings.revoked')}</Tag>
                ) : (
                  <Tag color="green">{t('sources.enabled')}</Tag>
                ),
            },
            { title: t('common.createdAt'), dataIndex: 'createdAt', render: (at: string) => formatDate(at) },
          ]}
        />
      </Card>
    </Page>
  );
}
