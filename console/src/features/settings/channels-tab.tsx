import { LockOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Alert, Card, Col, Descriptions, Flex, Row, Skeleton, Typography } from 'antd';
import { useI18n } from '../../i18n';
import { ErrorAlert } from '../../ui/error-alert';
import { CHANNEL_KINDS, keys, settingsApi } from './api';
import { ChannelCard } from './channel-card';

const RECEIPT_FORMATS = ['tencent-sms', 'aliyun-sms', 'generic'] as const;

/**
 * Where SMS providers post delivery receipts: one signed URL per format, which the admin pastes
 * into the provider's callback setting. The URL is the secret (the providers sign nothing).
 */
function ReceiptUrls(): React.JSX.Element {
  const { t } = useI18n();
  const q = useQuery({
    queryKey: keys.receiptUrls,
    queryFn: ({ signal }) => settingsApi.receiptUrls(signal),
  });
  return (
    <Card size="small" title={t('settings.receipts.title')} data-testid="receipt-urls">
      <Typography.Paragraph type="secondary">{t('settings.receipts.intro')}</Typography.Paragraph>
      {q.error && <ErrorAlert error={q.error} onRetry={() => void q.refetch()} />}
      {q.isPending ? (
        <Skeleton active paragraph={{ rows: 3 }} />
      ) : (
        q.data && (
          <Descriptions
            size="small"
            column={1}
            bordered
            items={RECEIPT_FORMATS.map((format) => ({
              key: format,
              label: t(`settings.receipts.${format}`),
              children: (
                <Typography.Text
                  code
                  data-testid={`receipt-url-${format}`}
                  copyable={{ text: q.data.urls[format], tooltips: [t('common.copy'), t('common.copied')] }}
                  style={{ wordBreak: 'break-all' }}
                >
                  {q.data.urls[format]}
                </Typography.Text>
              ),
            }))}
          />
        )
      )}
    </Card>
  );
}

/** Every channel the workspace can send on, configured or not, each with its own form. */
export function ChannelsTab(): React.JSX.Element {
  const { t } = useI18n();
  const q = useQuery({ queryKey: keys.channels, queryFn: ({ signal }) => settingsApi.channels(signal) });
  return (
    <Flex vertical gap={16}>
      <Alert type="info" showIcon icon={<LockOutlined />} title={t('settings.channels.secretsNote')} />
      {q.error && <ErrorAlert error={q.error} onRetry={() => void q.refetch()} />}
      {q.isPending ? (
        <Skeleton active />
      ) : (
        q.data && (
          <Row gutter={[16, 16]}>
            {CHANNEL_KINDS.map((channel) => (
              <Col key={channel} xs={24} xl={12}>
                <ChannelCard channel={channel} view={q.data.channels.find((c) => c.channel === channel)} />
              </Col>
            ))}
          </Row>
        )
      )}
      <ReceiptUrls />
    </Flex>
  );
}
