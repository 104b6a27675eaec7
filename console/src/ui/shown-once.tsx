import { Alert, Button, Modal, Space, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useI18n } from '../i18n';

/**
 * A secret the server hands out once (a write key, an API key): shown with a copy button and the
 * warning that it cannot be shown again; closed only by its button.
 */
export function ShownOnceModal({
  title,
  warning,
  label,
  value,
  testId,
  usage,
  onClose,
}: {
  title: ReactNode;
  warning: ReactNode;
  label?: ReactNode;
  value: string;
  testId: string;
  usage?: ReactNode;
  onClose: () => void;
}): React.JSX.Element {
  const { t } = useI18n();
  return (
    <Modal
      open
      title={title}
      onCancel={onClose}
      maskClosable={false}
      footer={
        <Button type="primary" onClick={onClose}>
          {t('common.close')}
        </Button>
      }
    >
      <Space orientation="vertical" style={{ width: '100%' }}>
        <Alert type="warning" showIcon title={warning} />
        {label && <Typography.Text strong>{label}</Typography.Text>}
        <Typography.Paragraph
          code
          copyable={{ text: value, tooltips: [t('common.copy'), t('common.copied')] }}
          data-testid={testId}
          style={{ fontSize: 15, wordBreak: 'break-all' }}
        >
          {value}
        </Typography.Paragraph>
        {usage && <Typography.Text type="secondary">{usage}</Typography.Text>}
      </Space>
    </Modal>
  );
}
