import { useMutation } from '@tanstack/react-query';
import { Alert, Button, Form, Input, Modal, Typography } from 'antd';
import { useI18n, type MessageKey } from '../../i18n';
import { ErrorAlert } from '../../ui/error-alert';
import { settingsApi, type ChannelKind, type TestMessage } from './api';

interface Values {
  to: string;
  subject?: string;
  body?: string;
  templateId?: string;
  params?: string;
}

/** Channels whose messages are provider templates with parameters rather than a subject and a body. */
const TEMPLATED: ReadonlySet<ChannelKind> = new Set(['sms', 'wechat']);

const RECIPIENT: Record<ChannelKind, { label: MessageKey; placeholder: string }> = {
  email: { label: 'settings.test.toEmail', placeholder: 'you@example.com' },
  sms: { label: 'settings.test.toPhone', placeholder: '+8613912345678' },
  wechat: { label: 'settings.test.toOpenid', placeholder: 'oAbC123…' },
  push: { label: 'settings.test.toDevice', placeholder: 'device-token' },
  webhook: { label: 'settings.test.toRecipient', placeholder: 'user-1' },
};

/**
 * Template parameters as the admin writes them: a JSON object (`{"code":"1234"}`, WeChat's named
 * fields, Aliyun's) or array, or a comma-separated list (Tencent's positional ones).
 */
export function parseParams(text: string | undefined): TestMessage['params'] | undefined | Error {
  const s = text?.trim();
  if (!s) return undefined;
  if (s.startsWith('{') || s.startsWith('[')) {
    try {
      const v: unknown = JSON.parse(s);
      if (Array.isArray(v)) return v.map(String);
      if (typeof v === 'object' && v !== null)
        return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, String(x)]));
    } catch (err) {
      return err instanceof Error ? err : new Error(String(err));
    }
    return new Error('not an object or array');
  }
  return s.split(',').map((p) => p.trim());
}

/** Sends one real message through a configured channel and shows what the provider answered. */
export function ChannelTestModal({
  channel,
  onClose,
}: {
  channel: ChannelKind;
  onClose: () => void;
}): React.JSX.Element {
  const { t, formatDate } = useI18n();
  const [form] = Form.useForm<Values>();
  const send = useMutation({
    mutationFn: (v: Values) => {
      const params = parseParams(v.params);
      if (params instanceof Error) throw params;
      const message: TestMessage = { to: v.to.trim() };
      if (TEMPLATED.has(channel)) {
        if (v.templateId?.trim()) message.templateId = v.templateId.trim();
        if (params !== undefined) message.params = params;
      } else {
        if (v.subject) message.subject = v.subject;
        if (v.body) message.body = v.body;
      }
      return settingsApi.testChannel(channel, message);
    },
  });
  const outcome = send.data;
  const recipient = RECIPIENT[channel];
  return (
    <Modal
      open
      title={t('settings.test.title', { channel: t(`settings.channel.${channel}`) })}
      onCancel={onClose}
      destroyOnHidden
      footer={[
        <Button key="close" onClick={onClose}>
          {t('common.close')}
        </Button>,
        <Button key="send" type="primary" loading={send.isPending} onClick={() => form.submit()}>
          {t('settings.test.send')}
        </Button>,
      ]}
    >
      <Typography.Paragraph type="secondary">{t('settings.test.hint')}</Typography.Paragraph>
      <Form<Values>
        form={form}
        name={`test-${channel}`}
        layout="vertical"
        requiredMark={false}
        initialValues={{
          subject: t('settings.test.defaultSubject'),
          body: t('settings.test.defaultBody'),
        }}
        onFinish={(v) => send.mutate(v)}
      >
        <Form.Item
          name="to"
          label={t(recipient.label)}
          rules={[{ required: true, whitespace: true, message: t('settings.test.toRequired') }]}
        >
          <Input placeholder={recipient.placeholder} autoFocus />
        </Form.Item>
        {TEMPLATED.has(channel) ? (
          <>
            <Form.Item
              name="templateId"
              label={t('settings.test.templateId')}
              rules={[{ required: true, whitespace: true, message: t('settings.test.templateIdRequired') }]}
            >
              <Input />
            </Form.Item>
            <Form.Item name="params" label={t('settings.test.params')} extra={t('settings.test.paramsHelp')}>
              <Input placeholder='1234, 5  —  {"code": "1234"}' />
            </Form.Item>
          </>
        ) : (
          <>
            <Form.Item name="subject" label={t('settings.test.subject')}>
              <Input />
            </Form.Item>
            <Form.Item
              name="body"
              label={t('settings.test.body')}
              rules={[{ required: true, message: t('settings.test.bodyRequired') }]}
            >
              <Input.TextArea rows={3} />
            </Form.Item>
          </>
        )}
      </Form>
      <div data-testid="channel-test-result" aria-live="polite">
        {send.error && <ErrorAlert error={send.error} />}
        {outcome?.kind === 'sent' && (
          <Alert
            type="success"
            showIcon
            title={t('settings.test.sent', { at: formatDate(outcome.at) })}
            description={
              outcome.providerMessageId
                ? t('settings.test.providerId', { id: outcome.providerMessageId })
                : undefined
            }
          />
        )}
        {outcome?.kind === 'failed' && (
          <Alert
            type="error"
            showIcon
            title={t('settings.test.failed')}
            description={
              <>
                <div>{outcome.reason}</div>
                <Typography.Text type="secondary">
                  {outcome.code ? `${outcome.code} · ` : ''}
                  {outcome.retryable ? t('settings.test.retryable') : t('settings.test.permanent')}
                </Typography.Text>
              </>
            }
          />
        )}
      </div>
    </Modal>
  );
}
