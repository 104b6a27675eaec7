import { LockOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Alert, Col, Flex, Row, Skeleton } from 'antd';
import { useI18n } from '../../i18n';
import { ErrorAlert } from '../../ui/error-alert';
import { CHANNEL_KINDS, keys, settingsApi } from './api';
import { ChannelCard } from './channel-card';

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
    </Flex>
  );
}
