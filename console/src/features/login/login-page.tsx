import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Flex, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { ApiError } from '../../api';
import { useSession } from '../../app/session';
import { useI18n, type I18n } from '../../i18n';
import { describeError } from '../../ui/error-alert';
import { LanguageSwitch } from '../../ui/language-switch';

interface Credentials {
  username: string;
  password: string;
}

/** The login answers a user can act on, in their language; anything else as the server words it. */
function loginError(err: unknown, t: I18n['t']): string {
  if (err instanceof ApiError) {
    if (err.status === 401) return t('auth.wrongPassword');
    if (err.status === 403) return t('auth.disabled');
    if (err.status === 429)
      return t('auth.throttled', { minutes: Math.max(1, Math.ceil((err.retryAfter ?? 60) / 60)) });
  }
  return describeError(err, t).title;
}

export default function LoginPage({
  reason,
}: {
  reason: 'none' | 'expired' | 'logged-out';
}): React.JSX.Element {
  const { t } = useI18n();
  const { login } = useSession();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async ({ username, password }: Credentials) => {
    setBusy(true);
    setError(null);
    try {
      await login(username, password);
    } catch (err) {
      setError(loginError(err, t));
      setBusy(false);
    }
  };

  return (
    <Flex vertical align="center" justify="center" style={{ minHeight: '100vh', background: '#f0f2f5' }}>
      <Card style={{ width: 380 }}>
        <Flex vertical gap={16}>
          <Typography.Title level={3} style={{ margin: 0 }}>
            {t('auth.title')}
          </Typography.Title>
          {reason === 'expired' && !error && <Alert type="warning" showIcon title={t('auth.expired')} />}
          {reason === 'logged-out' && !error && <Alert type="info" showIcon title={t('auth.loggedOut')} />}
          {error && <Alert type="error" showIcon title={error} role="alert" />}
          <Form<Credentials> layout="vertical" onFinish={(v) => void submit(v)} requiredMark={false}>
            <Form.Item
              name="username"
              label={t('auth.username')}
              rules={[{ required: true, message: t('auth.usernameRequired') }]}
            >
              <Input prefix={<UserOutlined />} autoComplete="username" autoFocus />
            </Form.Item>
            <Form.Item
              name="password"
              label={t('auth.password')}
              rules={[{ required: true, message: t('auth.passwordRequired') }]}
            >
              <Input.Password prefix={<LockOutlined />} autoComplete="current-password" />
            </Form.Item>
            <Button type="primary" htmlType="submit" block loading={busy}>
              {t('auth.submit')}
            </Button>
          </Form>
          <Flex justify="center">
            <LanguageSwitch />
          </Flex>
        </Flex>
      </Card>
    </Flex>
  );
}
