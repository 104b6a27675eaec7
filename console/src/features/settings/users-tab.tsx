import { PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Flex, Popconfirm, Select, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { ROLES, type Role, type User } from '../../api-types';
import { useUser } from '../../app/session';
import { useI18n } from '../../i18n';
import { ErrorAlert, useShowError } from '../../ui/error-alert';
import { keys, settingsApi, type UserChanges } from './api';
import { RoleMatrix } from './role-matrix';
import { CreateUserModal, CredentialsModal, ResetPasswordModal, type Credentials } from './user-modals';

/** Console users: who may sign in, with which role; create, change role, disable, reset a password. */
export function UsersTab(): React.JSX.Element {
  const { t, formatDate } = useI18n();
  const me = useUser();
  const { message, modal } = App.useApp();
  const showError = useShowError();
  const queryClient = useQueryClient();
  const users = useQuery({ queryKey: keys.users, queryFn: ({ signal }) => settingsApi.users(signal) });
  const [creating, setCreating] = useState(false);
  const [resetting, setResetting] = useState<User | null>(null);
  const [credentials, setCredentials] = useState<Credentials | null>(null);

  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: keys.users });
    void queryClient.invalidateQueries({ queryKey: keys.audit });
  };
  const update = useMutation({
    mutationFn: ({ id, changes }: { id: string; changes: UserChanges; done: string }) =>
      settingsApi.updateUser(id, changes),
    onSuccess: (_u, v) => {
      void message.success(v.done);
      refresh();
    },
    // The server's word (the last admin cannot be demoted or disabled, …), and the table as it is.
    onError: (err) => {
      showError(err);
      refresh();
    },
  });

  const changeRole = (u: User, role: Role) => {
    const run = () =>
      update.mutate({
        id: u.id,
        changes: { role },
        done: t('settings.users.roleChanged', { username: u.username, role: t(`role.${role}`) }),
      });
    if (u.id === me.id && role !== 'admin')
      modal.confirm({
        title: t('settings.users.demoteSelf'),
        content: t('settings.users.demoteSelfHint'),
        okButtonProps: { danger: true },
        onOk: run,
      });
    else run();
  };

  return (
    <Flex vertical gap={16}>
      <Card
        title={t('settings.users')}
        extra={
          <Space>
            <Button icon={<ReloadOutlined />} onClick={() => void users.refetch()} loading={users.isFetching}>
              {t('common.refresh')}
            </Button>
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
              {t('settings.users.new')}
            </Button>
          </Space>
        }
      >
        {users.error && <ErrorAlert error={users.error} onRetry={() => void users.refetch()} />}
        <Table<User>
          size="small"
          rowKey="id"
          data-testid="users-table"
          loading={users.isPending}
          dataSource={users.data?.users ?? []}
          pagination={{ pageSize: 50, hideOnSinglePage: true }}
          locale={{ emptyText: t('common.empty') }}
          columns={[
            {
              title: t('settings.username'),
              dataIndex: 'username',
              sorter: (a, b) => a.username.localeCompare(b.username),
              render: (name: string, u) =>
                u.id === me.id ? (
                  <Space size={4}>
                    {name}
                    <Tag color="blue">{t('settings.users.you')}</Tag>
                  </Space>
                ) : (
                  name
                ),
            },
            {
              title: t('settings.displayName'),
              dataIndex: 'displayName',
              render: (name: string, u) => (
                <Typography.Text
                  editable={{
                    tooltip: t('settings.users.rename'),
                    onChange: (next) => {
                      const v = next.trim();
                      if (v && v !== name)
                        update.mutate({
                          id: u.id,
                          changes: { displayName: v },
                          done: t('settings.users.renamed', { username: u.username }),
                        });
                    },
                  }}
                >
                  {name}
                </Typography.Text>
              ),
            },
            {
              title: t('settings.role'),
              dataIndex: 'role',
              width: 150,
              filters: ROLES.map((r) => ({ text: t(`role.${r}`), value: r })),
              onFilter: (v, u) => u.role === v,
              render: (role: Role, u) => (
                <Select<Role>
                  size="small"
                  value={role}
                  style={{ width: 120 }}
                  aria-label={t('settings.users.roleOf', { username: u.username })}
                  data-testid={`role-${u.username}`}
                  disabled={update.isPending}
                  onChange={(r) => changeRole(u, r)}
                  options={ROLES.map((r) => ({ value: r, label: t(`role.${r}`) }))}
                />
              ),
            },
            {
              title: t('common.status'),
              dataIndex: 'disabled',
              render: (d: boolean | undefined) =>
                d ? (
                  <Tag>{t('settings.users.disabled')}</Tag>
                ) : (
                  <Tag color="green">{t('settings.users.active')}</Tag>
                ),
            },
            {
              title: t('settings.lastLogin'),
              dataIndex: 'lastLoginAt',
              render: (at: string | null | undefined) => (at ? formatDate(at) : t('common.never')),
            },
            {
              title: t('common.createdAt'),
              dataIndex: 'createdAt',
              render: (at: string | undefined) => formatDate(at),
            },
            {
              title: t('settings.actions'),
              key: 'actions',
              render: (_: unknown, u) => (
                <Space size={0} wrap>
                  <Button type="link" size="small" onClick={() => setResetting(u)}>
                    {t('settings.users.reset')}
                  </Button>
                  {u.id !== me.id && (
                    <Popconfirm
                      title={
                        u.disabled
                          ? t('settings.users.enableConfirm', { username: u.username })
                          : t('settings.users.disableConfirm', { username: u.username })
                      }
                      description={u.disabled ? undefined : t('settings.users.disableHint')}
                      okText={u.disabled ? t('settings.users.enable') : t('settings.users.disable')}
                      okButtonProps={{ danger: !u.disabled }}
                      cancelText={t('common.cancel')}
                      onConfirm={() =>
                        update.mutate({
                          id: u.id,
                          changes: { disabled: !u.disabled },
                          done: u.disabled
                            ? t('settings.users.enabled', { username: u.username })
                            : t('settings.users.disabledDone', { username: u.username }),
                        })
                      }
                    >
                      <Button type="link" size="small" danger={!u.disabled}>
                        {u.disabled ? t('settings.users.enable') : t('settings.users.disable')}
                      </Button>
                    </Popconfirm>
                  )}
                </Space>
              ),
            },
          ]}
        />
      </Card>
      <RoleMatrix />
      {creating && (
        <CreateUserModal
          onClose={() => setCreating(false)}
          onCreated={(_user, c) => {
            setCreating(false);
            setCredentials(c);
            refresh();
          }}
        />
      )}
      {resetting && (
        <ResetPasswordModal
          user={resetting}
          onClose={() => setResetting(null)}
          onDone={(c) => {
            setResetting(null);
            setCredentials(c);
            refresh();
          }}
        />
      )}
      {credentials && <CredentialsModal credentials={credentials} onClose={() => setCredentials(null)} />}
    </Flex>
  );
}
