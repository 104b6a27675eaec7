import { DeleteOutlined, SaveOutlined, SendOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Form,
  Popconfirm,
  Row,
  Segmented,
  Space,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { ApiError } from '../../api';
import { useI18n } from '../../i18n';
import { useShowError } from '../../ui/error-alert';
import { useActorName } from './actors';
import { keys, settingsApi, type ChannelKind, type ChannelProvider, type ChannelView } from './api';
import { ChannelField } from './channel-field';
import { CHANNEL_PROVIDERS, formValues, PROVIDER_FIELDS, settingsBody, storedSecret } from './channel-fields';
import { ChannelTestModal } from './channel-test';

function StatusTag({ view }: { view: ChannelView | undefined }): React.JSX.Element {
  const { t } = useI18n();
  if (!view) return <Tag>{t('settings.channels.notConfigured')}</Tag>;
  if (view.problem) return <Tag color="red">{t('settings.channels.unusable')}</Tag>;
  return <Tag color="green">{t('settings.channels.configured')}</Tag>;
}

/** The form of one channel; remounted (fresh values, no typed secret left) after every save. */
function ChannelForm({
  channel,
  view,
}: {
  channel: ChannelKind;
  view: ChannelView | undefined;
}): React.JSX.Element {
  const { t, tryT } = useI18n();
  const { message } = App.useApp();
  const showError = useShowError();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<Record<string, unknown>>();
  const [testing, setTesting] = useState(false);
  const providers = CHANNEL_PROVIDERS[channel];
  const provider = (Form.useWatch('provider', form) as ChannelProvider | undefined) ?? providers[0]!;
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: keys.channels });
    void queryClient.invalidateQueries({ queryKey: keys.audit });
  };

  const save = useMutation({
    mutationFn: (p: ChannelProvider) =>
      settingsApi.putChannel(channel, settingsBody(p, form.getFieldsValue(true) as Record<string, unknown>)),
    onSuccess: (saved) => {
      void message.success(t('settings.channels.saved', { channel: t(`settings.channel.${channel}`) }));
      // The answer is the stored view: the form remounts on it at once, so no typed secret stays.
      queryClient.setQueryData(keys.channels, (old: { channels: ChannelView[] } | undefined) => ({
        channels: [...(old?.channels ?? []).filter((c) => c.channel !== channel), saved],
      }));
      refresh();
    },
    onError: (err) => {
      // The server names the fields it refused (`config.auth.pass`): show each beside its input.
      if (err instanceof ApiError && Array.isArray(err.details)) {
        const fields = (err.details as Array<{ path?: unknown; message?: unknown }>).flatMap((d) =>
          typeof d.path === 'string' && d.path.startsWith('config.')
            ? [
                {
                  name: [provider, ...d.path.slice('config.'.length).split('.')],
                  errors: [String(d.message)],
                },
              ]
            : [],
        );
        form.setFields(fields);
      }
      showError(err);
    },
  });
  const remove = useMutation({
    mutationFn: () => settingsApi.deleteChannel(channel),
    onSuccess: () => {
      void message.success(t('settings.channels.removed', { channel: t(`settings.channel.${channel}`) }));
      refresh();
    },
    onError: showError,
  });

  const switching = view !== undefined && view.provider !== provider;
  return (
    <>
      <Form
        form={form}
        name={`channel-${channel}`}
        layout="vertical"
        requiredMark={false}
        initialValues={formValues(channel, view)}
        onFinish={() => save.mutate(provider)}
      >
        {providers.length > 1 && (
          <Form.Item name="provider" label={t('settings.channels.provider')}>
            <Segmented options={providers.map((p) => ({ value: p, label: t(`settings.provider.${p}`) }))} />
          </Form.Item>
        )}
        {switching && (
          <Alert
            type="warning"
            showIcon
            style={{ marginBottom: 16 }}
            title={t('settings.channels.switching', {
              from: tryT(`settings.provider.${view.provider}`) ?? view.provider,
            })}
          />
        )}
        <Row gutter={16}>
          {PROVIDER_FIELDS[provider].map((f) => (
            <Col key={`${provider}.${f.path.join('.')}`} xs={24} md={f.kind === 'headers' ? 24 : 12}>
              <ChannelField provider={provider} field={f} stored={storedSecret(view, provider, f)} />
            </Col>
          ))}
        </Row>
        <Space wrap>
          <Button type="primary" htmlType="submit" icon={<SaveOutlined />} loading={save.isPending}>
            {t('settings.channels.save')}
          </Button>
          <Button
            icon={<SendOutlined />}
            disabled={!view}
            title={view ? undefined : t('settings.channels.saveFirst')}
            onClick={() => setTesting(true)}
          >
            {t('settings.channels.test')}
          </Button>
          {view && (
            <Popconfirm
              title={t('settings.channels.removeConfirm', { channel: t(`settings.channel.${channel}`) })}
              description={t('settings.channels.removeHint')}
              okText={t('settings.channels.remove')}
              okButtonProps={{ danger: true }}
              cancelText={t('common.cancel')}
              onConfirm={() => remove.mutate()}
            >
              <Button danger icon={<DeleteOutlined />} loading={remove.isPending}>
                {t('settings.channels.remove')}
              </Button>
            </Popconfirm>
          )}
        </Space>
      </Form>
      {testing && view && <ChannelTestModal channel={channel} onClose={() => setTesting(false)} />}
    </>
  );
}

/** One channel of the workspace: its provider, credentials (write-only), a test send, removal. */
export function ChannelCard({
  channel,
  view,
}: {
  channel: ChannelKind;
  view: ChannelView | undefined;
}): React.JSX.Element {
  const { t, tryT, formatDate } = useI18n();
  const actorName = useActorName();
  return (
    <Card
      data-testid={`channel-${channel}`}
      title={
        <Space>
          {t(`settings.channel.${channel}`)}
          <StatusTag view={view} />
          {view && <Tag>{tryT(`settings.provider.${view.provider}`) ?? view.provider}</Tag>}
        </Space>
      }
    >
      <Space orientation="vertical" style={{ width: '100%' }} size={12}>
        <Typography.Text type="secondary">{t(`settings.channel.${channel}.about`)}</Typography.Text>
        {view && (
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('settings.channels.updated', {
              at: formatDate(view.updatedAt),
              by: actorName(view.updatedBy),
            })}
          </Typography.Text>
        )}
        {view?.problem && (
          <Alert type="error" showIcon title={t('settings.channels.problem')} description={view.problem} />
        )}
        <ChannelForm key={view?.updatedAt ?? 'none'} channel={channel} view={view} />
      </Space>
    </Card>
  );
}
