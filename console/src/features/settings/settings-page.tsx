import { LockOutlined } from '@ant-design/icons';
import { Button, Tabs } from 'antd';
import { useState } from 'react';
import { navigate, useLocation } from '../../app/router';
import { useI18n } from '../../i18n';
import { Page } from '../../ui/page';
import { ApiKeysTab } from './api-keys-tab';
import { AuditTab } from './audit-tab';
import { ChannelsTab } from './channels-tab';
import { IdentityTab } from './identity-tab';
import { OwnPasswordModal } from './own-password';
import { UsersTab } from './users-tab';

const TABS = ['users', 'channels', 'identity', 'api-keys', 'audit'] as const;
type TabKey = (typeof TABS)[number];
const isTab = (v: string | null): v is TabKey => v !== null && (TABS as readonly string[]).includes(v);

/**
 * Workspace settings (admin only): users and roles, channel credentials, identity rules and the
 * review queue, API keys, the audit log. The tab is in the URL (`?tab=channels`) so it can be
 * linked and survives a reload; users, the first, is the landing one.
 */
export default function SettingsPage(): React.JSX.Element {
  const { t } = useI18n();
  const { search } = useLocation();
  const wanted = search.get('tab');
  const tab: TabKey = isTab(wanted) ? wanted : 'users';
  const [changingPassword, setChangingPassword] = useState(false);

  const labels: Record<TabKey, string> = {
    users: t('settings.tab.users'),
    channels: t('settings.tab.channels'),
    identity: t('settings.tab.identity'),
    'api-keys': t('settings.apiKeys'),
    audit: t('settings.tab.audit'),
  };
  const content: Record<TabKey, React.JSX.Element> = {
    users: <UsersTab />,
    channels: <ChannelsTab />,
    identity: <IdentityTab />,
    'api-keys': <ApiKeysTab />,
    audit: <AuditTab />,
  };

  return (
    <Page
      title={t('settings.title')}
      extra={
        <Button icon={<LockOutlined />} onClick={() => setChangingPassword(true)}>
          {t('settings.ownPassword.open')}
        </Button>
      }
    >
      <Tabs
        activeKey={tab}
        onChange={(key) =>
          navigate(key === 'users' ? '/settings' : `/settings?tab=${key}`, { replace: true })
        }
        destroyOnHidden
        items={TABS.map((key) => ({ key, label: labels[key], children: content[key] }))}
      />
      {changingPassword && <OwnPasswordModal onClose={() => setChangingPassword(false)} />}
    </Page>
  );
}
