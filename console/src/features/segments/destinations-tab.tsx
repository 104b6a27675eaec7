import { PlusOutlined, SyncOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Flex,
  Form,
  Input,
  InputNumber,
  Modal,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { roleAllows } from '../../api-types';
import { useUser } from '../../app/session';
import { useI18n } from '../../i18n';
import { ErrorAlert, useShowError } from '../../ui/error-alert';
import {
  segmentsApi,
  type AudienceColumns,
  type Delivery,
  type Destination,
  type SegmentDetail,
} from './api';
import { ColumnsPicker } from './audience-columns';

/**
 * Audience sync: webhook destinations that receive the segment's adds and removes, signed and
 * retried (src/segments/destinations.ts); sync now, and every delivery with its attempts.
 */

interface NewDestination {
  name: string;
  url: string;
  secret: string;
  batchSize: number;
  maxAttempts: number;
}

function CreateModal({
  segment,
  open,
  onClose,
}: {
  segment: SegmentDetail;
  open: boolean;
  onClose: () => void;
}): React.JSX.Element {
  const { t } = useI18n();
  const user = useUser();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<NewDestination>();
  const [columns, setColumns] = useState<AudienceColumns>({
    identifiers: [{ type: 'phone', hash: 'sha256' }],
    traits: [],
    tags: [],
  });
  const [secret, setSecret] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: (v: NewDestination) =>
      segmentsApi.createDestination(segment.id, {
        name: v.name,
        url: v.url,
        secret: v.secret ? v.secret : undefined,
        columns,
        batchSize: v.batchSize,
        retry: { maxAttempts: v.maxAttempts },
      }),
    onSuccess: (d) => {
      void queryClient.invalidateQueries({ queryKey: ['segment', segment.id, 'destinations'] });
      setSecret(d.secret);
    },
  });
  const close = () => {
    setSecret(null);
    create.reset();
    form.resetFields();
    onClose();
  };
  return (
    <Modal
      open={open}
      width={720}
      title={t('segments.dest.new')}
      onCancel={close}
      maskClosable={secret === null}
      okText={secret ? t('common.close') : t('common.create')}
      cancelButtonProps={{ style: secret ? { display: 'none' } : undefined }}
      cancelText={t('common.cancel')}
      confirmLoading={create.isPending}
      onOk={() => (secret ? close() : form.submit())}
      destroyOnHidden
    >
      {secret ? (
        <Space orientation="vertical" style={{ width: '100%' }}>
          <Alert type="warning" showIcon title={t('segments.dest.secretOnce')} />
          <Typography.Paragraph
            code
            copyable={{ text: secret, tooltips: [t('common.copy'), t('common.copied')] }}
            data-testid="destination-secret"
          >
            {secret}
          </Typography.Paragraph>
        </Space>
      ) : (
        <Form
          form={form}
          layout="vertical"
          requiredMark={false}
          initialValues={{ batchSize: 1000, maxAttempts: 5, secret: '' }}
          onFinish={(v) => create.mutate(v)}
        >
          <Form.Item
            name="name"
            label={t('common.name')}
            rules={[{ required: true, whitespace: true, message: t('segments.def.nameRequired') }]}
          >
            <Input maxLength={200} placeholder={t('segments.dest.namePlaceholder')} />
          </Form.Item>
          <Form.Item
            name="url"
            label={t('segments.dest.url')}
            rules={[{ required: true, type: 'url', message: t('segments.dest.urlInvalid') }]}
          >
            <Input placeholder="https://…" />
          </Form.Item>
          <Form.Item name="secret" label={t('segments.dest.secret')} tooltip={t('segments.dest.secretHint')}>
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          <Space size="large">
            <Form.Item name="batchSize" label={t('segments.dest.batchSize')}>
              <InputNumber min={1} max={10_000} precision={0} />
            </Form.Item>
            <Form.Item name="maxAttempts" label={t('segments.dest.maxAttempts')}>
              <InputNumber min={1} max={20} precision={0} />
            </Form.Item>
          </Space>
          <ColumnsPicker value={columns} onChange={setColumns} rawAllowed={user.role === 'admin'} />
          {create.error !== null && (
            <div style={{ marginTop: 12 }}>
              <ErrorAlert error={create.error} />
            </div>
          )}
        </Form>
      )}
    </Modal>
  );
}

function Deliveries({ segmentId, destination }: { segmentId: string; destination: string }) {
  const { t, formatDate, formatNumber } = useI18n();
  const q = useQuery({
    queryKey: ['segment', segmentId, 'destinations', destination, 'deliveries'],
    queryFn: ({ signal }) => segmentsApi.deliveries(segmentId, destination, signal),
  });
  if (q.error) return <ErrorAlert error={q.error} onRetry={() => void q.refetch()} />;
  return (
    <Table<Delivery>
      size="small"
      rowKey="id"
      loading={q.isPending}
      dataSource={q.data?.deliveries ?? []}
      pagination={false}
      locale={{ emptyText: t('segments.dest.noDeliveries') }}
      columns={[
        { title: t('segments.dest.at'), dataIndex: 'at', render: (at: string) => formatDate(at) },
        {
          title: t('common.status'),
          dataIndex: 'status',
          render: (s: string) => (
            <Tag color={s === 'delivered' ? 'green' : 'red'}>
              {t(`segments.dest.status.${s === 'delivered' ? 'delivered' : 'failed'}`)}
            </Tag>
          ),
        },
        {
          title: t('segments.sizes.entered'),
          dataIndex: 'added',
          align: 'right',
          render: (n: number) => formatNumber(n),
        },
        {
          title: t('segments.sizes.exited'),
          dataIndex: 'removed',
          align: 'right',
          render: (n: number) => formatNumber(n),
        },
        {
          title: t('segments.dest.attempts'),
          render: (_, d) =>
            d.attempts
              .map((a) => `#${a.attempt} ${a.status ?? a.error ?? '—'} (${formatNumber(a.millis)} ms)`)
              .join(' · '),
        },
        { title: t('segments.dest.error'), dataIndex: 'error', render: (e: string | null) => e ?? '—' },
      ]}
    />
  );
}

export function DestinationsTab({ segment }: { segment: SegmentDetail }): React.JSX.Element {
  const { t, formatDate, formatNumber, tryT } = useI18n();
  const { message } = App.useApp();
  const user = useUser();
  const showError = useShowError();
  const queryClient = useQueryClient();
  const canWrite = roleAllows(user.role, 'marketer');
  const [creating, setCreating] = useState(false);
  const q = useQuery({
    queryKey: ['segment', segment.id, 'destinations'],
    queryFn: ({ signal }) => segmentsApi.destinations(segment.id, signal),
  });
  const sync = useMutation({
    mutationFn: (d: string) => segmentsApi.sync(segment.id, d),
    onSuccess: (r) => {
      void queryClient.invalidateQueries({
        queryKey: ['segment', segment.id, 'destinations', r.destinationId],
      });
      const text = t('segments.dest.synced', {
        status: tryT(`segments.dest.status.${r.status}`) ?? r.status,
        added: formatNumber(r.added),
        removed: formatNumber(r.removed),
        batches: formatNumber(r.batches),
      });
      if (r.status === 'failed') void message.error(`${text} ${r.error ?? ''}`);
      else void message.success(text);
    },
    onError: showError,
  });
  return (
    <Flex vertical gap={12}>
      <Flex justify="space-between" align="center">
        <Typography.Text type="secondary">{t('segments.dest.hint')}</Typography.Text>
        {canWrite && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
            {t('segments.dest.new')}
          </Button>
        )}
      </Flex>
      {q.error && <ErrorAlert error={q.error} onRetry={() => void q.refetch()} />}
      <Table<Destination>
        size="small"
        rowKey="id"
        loading={q.isPending}
        dataSource={q.data?.destinations ?? []}
        pagination={false}
        locale={{ emptyText: t('segments.dest.empty') }}
        expandable={{
          expandedRowRender: (d) => <Deliveries segmentId={segment.id} destination={d.id} />,
        }}
        columns={[
          {
            title: t('common.name'),
            render: (_, d) => (
              <>
                <Typography.Text strong>{d.definition.name}</Typography.Text>
                <div>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {d.definition.url}
                  </Typography.Text>
                </div>
              </>
            ),
          },
          {
            title: t('segments.columns.identifiers'),
            render: (_, d) =>
              d.definition.columns.identifiers.map((i) => (
                <Tag key={`${i.type}-${i.hash}`}>{i.hash === 'none' ? i.type : `${i.type} · ${i.hash}`}</Tag>
              )),
          },
          {
            title: t('segments.dest.batchSize'),
            align: 'right',
            render: (_, d) => formatNumber(d.definition.batchSize),
          },
          {
            title: t('common.status'),
            dataIndex: 'status',
            render: (s: string) => <Tag>{tryT(`status.${s}`) ?? s}</Tag>,
          },
          { title: t('common.createdAt'), dataIndex: 'createdAt', render: (at: string) => formatDate(at) },
          {
            title: '',
            align: 'right',
            render: (_, d) =>
              canWrite ? (
                <Button
                  size="small"
                  icon={<SyncOutlined />}
                  loading={sync.isPending && sync.variables === d.id}
                  onClick={() => sync.mutate(d.id)}
                >
                  {t('segments.dest.syncNow')}
                </Button>
              ) : null,
          },
        ]}
      />
      <CreateModal segment={segment} open={creating} onClose={() => setCreating(false)} />
    </Flex>
  );
}
