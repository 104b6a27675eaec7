import { CheckOutlined, MinusOutlined } from '@ant-design/icons';
import { Card, Table, Typography, theme } from 'antd';
import { ROLES, roleAllows, type Role } from '../../api-types';
import { usePiiRole } from '../../app/session';
import { useI18n, type MessageKey } from '../../i18n';

/**
 * What each role may do: the least role of the API routes behind each capability
 * (src/governance/roles.ts, the `role` of each route under src/http/routes). Personal data in the
 * clear follows the workspace's `governance.piiRole`, which the server tells at sign-in.
 */
const CAPABILITIES: ReadonlyArray<{ key: MessageKey; least: Role | 'pii' }> = [
  { key: 'settings.matrix.dashboards', least: 'viewer' },
  { key: 'settings.matrix.profiles', least: 'analyst' },
  { key: 'settings.matrix.pii', least: 'pii' },
  { key: 'settings.matrix.audiences', least: 'marketer' },
  { key: 'settings.matrix.reviews', least: 'marketer' },
  { key: 'settings.matrix.channelsRead', least: 'marketer' },
  { key: 'settings.matrix.sources', least: 'admin' },
  { key: 'settings.matrix.rawExport', least: 'admin' },
  { key: 'settings.matrix.identityAdmin', least: 'admin' },
  { key: 'settings.matrix.admin', least: 'admin' },
];

export function RoleMatrix(): React.JSX.Element {
  const { t } = useI18n();
  const { token } = theme.useToken();
  const piiRole = usePiiRole();
  return (
    <Card title={t('settings.matrix.title')} data-testid="role-matrix">
      <Table
        size="small"
        rowKey="key"
        pagination={false}
        dataSource={CAPABILITIES}
        columns={[
          { title: t('settings.matrix.capability'), dataIndex: 'key', render: (k: MessageKey) => t(k) },
          ...ROLES.map((r) => ({
            title: t(`role.${r}`),
            key: r,
            align: 'center' as const,
            width: 110,
            render: (_: unknown, c: { least: Role | 'pii' }) =>
              roleAllows(r, c.least === 'pii' ? piiRole : c.least) ? (
                <CheckOutlined style={{ color: token.colorSuccess }} aria-label={t('common.yes')} />
              ) : (
                <MinusOutlined style={{ color: token.colorTextQuaternary }} aria-label={t('common.no')} />
              ),
          })),
        ]}
      />
      <Typography.Paragraph type="secondary" style={{ marginTop: 12, marginBottom: 0 }}>
        {t('settings.matrix.piiNote', { role: t(`role.${piiRole}`) })}
      </Typography.Paragraph>
    </Card>
  );
}
