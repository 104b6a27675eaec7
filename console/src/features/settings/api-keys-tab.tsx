import { PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  App,
  Button,
  Card,
  Form,
  Input,
  Modal,
  Popconfirm,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { ROLES, type ApiKeyInfo, type Role } from '../../api-types';
import { useI18n } from '../../i18n';
import { ErrorAlert, useShowError } from '../../ui/error-alert';
import { ShownOnceModal } from '../../ui/shown-once';
import { keys, settingsApi, type CreatedApiKey } from './api';

function NewKeyModal({
  onClose,
  onCreated,
}: {
  onClose: () => void;
  onCreated: (k: CreatedApiKey) => void;
}): React.JSX.Element {
  const { t } = useI18n();
  const [form] = Form.useForm<{ name: string; role: Role }>();
  const create = useMutation({
    mutationFn: (v: { name: string; role: Role }) => settingsApi.createApiKey(v.name.trim(), v.role),
    onSuccess: onCreated,
  });
  return (
    <Modal
      open
      title={t('settings.keys.new')}
      okText={t('common.create')}
      cancelText={t('common.cancel')}
      confirmLoading={create.isPending}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      {create.error && <ErrorAlert error={create.error} />}
      <Form
        form={form}
        name="new-api-key"
        layout="vertical"
        requiredMark={false}
        initialValues={{ role: 'analyst' }}
        onFinish={(v) => create.mutate(v)}
      >
        <Form.Item
          name="name"
          label={t('common.name')}
          extra={t('settings.keys.nameHelp')}
          rules={[{ required: true, whitespace: true, message: t('settings.keys.nameRequired') }]}
        >
          <Input maxLength={200} autoFocus />
        </Form.Item>
        <Form.Item name="role" label={t('settings.role')} extra={t('settings.keys.roleHelp')}>
          <Select options={ROLES.map((r) => ({ value: r, label: t(`role.${r}`) }))} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** API keys for servers and scripts: each with a role; the key is shown once, revoking is final. */
export function ApiKeysTab(): React.JSX.Element {
  const { t, formatDate } = useI18n();
  const { message } = App.useApp();
  const showError = useShowError();
  const queryClient = useQueryClient();
  const q = useQuery({ queryKey: keys.apiKeys, queryFn: ({ signal }) => settingsApi.apiKeys(signal) });
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: keys.apiKeys });
    void queryClient.invalidateQueries({ queryKey: keys.audit });
  };
  const revoke = useMutation({
    mutationFn: (k: ApiKeyInfo) => settingsApi.revokeApiKey(k.id),
    onSuccess: (k) => {
      void message.success(t('settings.keys.revokedDone', { name: k.name }));
      refresh();
    },
    onError: showError,
  });
  return (
    <Card
      title={t('settings.apiKeys')}
      extra={
        <Space>
          <Button icon={<ReloadOutlined />} onClick={() => void q.refetch()} loading={q.isFetching}>
            {t('common.refresh')}
          </Button>
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
            {t('settings.keys.new')}
          </Button>
        </Space>
      }
    >
      {q.error && <ErrorAlert error={q.error} onRetry={() => void q.refetch()} />}
      <Table<ApiKeyInfo>
        size="small"
        rowKey="id"
        data-testid="api-keys-table"
        loading={q.isPending}
        dataSource={q.data?.apiKeys ?? []}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        locale={{ emptyText: t('common.empty') }}
        rowClassName={(k) => (k.revoked ? 'ant-table-row-disabled' : '')}
        columns={[
          { title: t('common.name'), dataIndex: 'name' },
          { title: t('settings.role'), dataIndex: 'role', render: (r: Role) => <Tag>{t(`role.${r}`)}</Tag> },
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
                <Tag color="green">{t('settings.keys.active')}</Tag>
              ),
          },
          { title: t('common.createdAt'), dataIndex: 'createdAt', render: (at: string) => formatDate(at) },
          {
            title: t('settings.actions'),
            key: 'actions',
            render: (_: unknown, k) =>
              k.revoked ? null : (
                <Popconfirm
                  title={t('settings.keys.revokeConfirm', { name: k.name })}
                  description={t('settings.keys.revokeHint')}
                  okText={t('settings.keys.revoke')}
                  okButtonProps={{ danger: true }}
                  cancelText={t('common.cancel')}
                  onConfirm={() => revoke.mutate(k)}
                >
                  <Button type="link" size="small" danger>
                    {t('settings.keys.revoke')}
                  </Button>
                </Popconfirm>
              ),
          },
        ]}
      />
      {creating && (
        <NewKeyModal
          onClose={() => setCreating(false)}
          onCreated={(k) => {
            setCreating(false);
            setCreated(k);
            refresh();
          }}
        />
      )}
      {created && (
        <ShownOnceModal
          title={t('settings.keys.created', { name: created.name })}
          warning={t('settings.keys.once')}
          value={created.key}
          testId="api-key"
          usage={t('settings.keys.usage')}
          onClose={() => setCreated(null)}
        />
      )}
    </Card>
  );
}
