import { PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Form, Input, Modal, Select, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { api } from '../../api';
import { sourcesQuery } from '../../queries';
import { roleAllows, type CreatedSource, type Source } from '../../api-types';
import { useUser } from '../../app/session';
import { useI18n } from '../../i18n';
import { ErrorAlert, useShowError } from '../../ui/error-alert';
import { Page } from '../../ui/page';

/** The kinds the server accepts (src/collect/sources.ts SOURCE_KINDS). */
const KINDS = [
  'http',
  'web',
  'app',
  'miniprogram',
  'server',
  'pos',
  'ecommerce',
  'crm',
  'service',
  'import',
] as const;

function NewSourceModal({
  open,
  onClose,
  onCreated,
}: {
  open: boolean;
  onClose: () => void;
  onCreated: (s: CreatedSource) => void;
}): React.JSX.Element {
  const { t } = useI18n();
  const [form] = Form.useForm<{ name: string; kind: string }>();
  const showError = useShowError();
  const create = useMutation({
    mutationFn: (v: { name: string; kind: string }) => api.createSource(v.name, v.kind),
    onSuccess: (s) => {
      form.resetFields();
      onCreated(s);
    },
    onError: showError,
  });
  return (
    <Modal
      open={open}
      title={t('sources.new')}
      okText={t('common.create')}
      cancelText={t('common.cancel')}
      confirmLoading={create.isPending}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <Form
        form={form}
        layout="vertical"
        initialValues={{ kind: 'http' }}
        onFinish={(v) => create.mutate(v)}
        requiredMark={false}
      >
        <Form.Item
          name="name"
          label={t('sources.name')}
          rules={[{ required: true, whitespace: true, message: t('sources.nameRequired') }]}
        >
          <Input placeholder={t('sources.namePlaceholder')} maxLength={200} autoFocus />
        </Form.Item>
        <Form.Item name="kind" label={t('sources.kind')}>
          <Select options={KINDS.map((k) => ({ value: k, label: t(`sources.kind.${k}`) }))} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** The write key of a source just created: the server gives it out this once. */
function WriteKeyModal({
  source,
  onClose,
}: {
  source: CreatedSource;
  onClose: () => void;
}): React.JSX.Element {
  const { t } = useI18n();
  return (
    <Modal
      open
      title={t('sources.created', { name: source.name })}
      onCancel={onClose}
      footer={
        <Button type="primary" onClick={onClose}>
          {t('common.close')}
        </Button>
      }
      maskClosable={false}
    >
      <Space orientation="vertical" style={{ width: '100%' }}>
        <Alert type="warning" showIcon title={t('sources.writeKeyOnce')} />
        <Typography.Text strong>{t('sources.writeKey')}</Typography.Text>
        <Typography.Paragraph
          code
          copyable={{ text: source.writeKey, tooltips: [t('common.copy'), t('common.copied')] }}
          data-testid="write-key"
          style={{ fontSize: 15 }}
        >
          {source.writeKey}
        </Typography.Paragraph>
        <Typography.Text type="secondary">{t('sources.writeKeyUsage')}</Typography.Text>
      </Space>
    </Modal>
  );
}

export default function SourcesPage(): React.JSX.Element {
  const { t, tryT, formatDate, formatNumber } = useI18n();
  const user = useUser();
  const queryClient = useQueryClient();
  const q = useQuery(sourcesQuery);
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<CreatedSource | null>(null);
  const canCreate = roleAllows(user.role, 'admin');

  return (
    <Page
      title={t('sources.title')}
      extra={
        <Space>
          <Button icon={<ReloadOutlined />} onClick={() => void q.refetch()} loading={q.isFetching}>
            {t('common.refresh')}
          </Button>
          {canCreate && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
              {t('sources.new')}
            </Button>
          )}
        </Space>
      }
    >
      {q.error && <ErrorAlert error={q.error} onRetry={() => void q.refetch()} />}
      <Table<Source>
        rowKey="id"
        loading={q.isPending}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        dataSource={q.data?.sources ?? []}
        locale={{ emptyText: t('common.empty') }}
        columns={[
          {
            title: t('sources.name'),
            dataIndex: 'name',
            render: (name: string, s) => (
              <Space orientation="vertical" size={0}>
                <Typography.Text strong>{name}</Typography.Text>
                <Typography.Text type="secondary" copyable={{ text: s.id }} style={{ fontSize: 12 }}>
                  {s.id}
                </Typography.Text>
              </Space>
            ),
          },
          {
            title: t('sources.kind'),
            dataIndex: 'kind',
            render: (k: string) => tryT(`sources.kind.${k}`) ?? k,
          },
          {
            title: t('sources.writeKeyHint'),
            dataIndex: 'writeKeyHint',
            render: (h: string) => <Typography.Text code>{h}</Typography.Text>,
          },
          {
            title: t('sources.events'),
            dataIndex: 'events',
            align: 'right',
            render: (n: number) => formatNumber(n),
          },
          {
            title: t('sources.lastEvent'),
            dataIndex: 'lastReceivedAt',
            render: (at: string | null) => (at ? formatDate(at) : t('common.never')),
          },
          {
            title: t('sources.rejectedOpen'),
            dataIndex: 'rejectedOpen',
            align: 'right',
            render: (n: number) => (n > 0 ? <Tag color="red">{formatNumber(n)}</Tag> : 0),
          },
          {
            title: t('common.status'),
            dataIndex: 'disabled',
            render: (d: boolean) =>
              d ? <Tag>{t('sources.disabled')}</Tag> : <Tag color="green">{t('sources.enabled')}</Tag>,
          },
          { title: t('common.createdAt'), dataIndex: 'createdAt', render: (at: string) => formatDate(at) },
        ]}
      />
      <NewSourceModal
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={(s) => {
          setCreating(false);
          setCreated(s);
          void queryClient.invalidateQueries({ queryKey: ['sources'] });
          void queryClient.invalidateQueries({ queryKey: ['overview'] });
        }}
      />
      {created && <WriteKeyModal source={created} onClose={() => setCreated(null)} />}
    </Page>
  );
}
