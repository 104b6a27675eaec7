import { CloseCircleFilled, StopOutlined, QuestionCircleOutlined } from '@ant-design/icons';
import { Flex, Typography, theme } from 'antd';
import type { ReactNode } from 'react';

const ICONS = { error: CloseCircleFilled, forbidden: StopOutlined, missing: QuestionCircleOutlined };

/**
 * A whole-page problem (no such page, not for your role, failed to load). antd's `Result` would
 * do, but it carries illustrations that would weigh on the first load of every page.
 */
export function Problem({
  kind,
  title,
  detail,
  extra,
}: {
  kind: keyof typeof ICONS;
  title: ReactNode;
  detail?: ReactNode;
  extra?: ReactNode;
}): React.JSX.Element {
  const { token } = theme.useToken();
  const Icon = ICONS[kind];
  return (
    <Flex vertical align="center" gap={12} style={{ padding: 48, textAlign: 'center' }} role="alert">
      <Icon style={{ fontSize: 56, color: kind === 'error' ? token.colorError : token.colorTextTertiary }} />
      <Typography.Title level={4} style={{ margin: 0 }}>
        {title}
      </Typography.Title>
      {detail && <Typography.Text type="secondary">{detail}</Typography.Text>}
      {extra}
    </Flex>
  );
}
