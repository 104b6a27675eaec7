import { useMutation } from '@tanstack/react-query';
import { Alert, Button, Form, Input, Modal, Select, Space, Typography } from 'antd';
import { ROLES, type Role, type User } from '../../api-types';
import { useI18n } from '../../i18n';
import { ErrorAlert } from '../../ui/error-alert';
import { settingsApi, type NewUser } from './api';
import { generatePassword, MIN_PASSWORD_LENGTH } from './password';

/** What an admin hands over after creating a user or resetting a password: shown this once. */
export interface Credentials {
  username: string;
  password: string;
  reset: boolean;
}

/** A password input with a "generate" button that fills it with a random one, shown in the clear. */
function PasswordField({ name, label }: { name: string; label: string }): React.JSX.Element {
  const { t } = useI18n();
  const form = Form.useFormInstance();
  return (
    <Form.Item label={label} required>
      <Space.Compact style={{ width: '100%' }}>
        <Form.Item
          name={name}
          noStyle
          rules={[
            { required: true, message: t('settings.passwordRequired') },
            {
              min: MIN_PASSWORD_LENGTH,
              message: t('settings.passwordTooShort', { min: MIN_PASSWORD_LENGTH }),
            },
          ]}
        >
          <Input.Password autoComplete="new-password" aria-label={label} />
        </Form.Item>
        <Button onClick={() => form.setFieldValue(name, generatePassword())}>{t('settings.generate')}</Button>
      </Space.Compact>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {t('settings.passwordRule', { min: MIN_PASSWORD_LENGTH })}
      </Typography.Text>
    </Form.Item>
  );
}

export function CreateUserModal({
  onClose,
  onCreated,
}: {
  onClose: () => void;
  onCreated: (user: User, credentials: Credentials) => void;
}): React.JSX.Element {
  const { t } = useI18n();
  const [form] = Form.useForm<NewUser>();
  const create = useMutation({
    mutationFn: (v: NewUser) => settingsApi.createUser(v),
    onSuccess: (user, v) => onCreated(user, { username: user.username, password: v.password, reset: false }),
  });
  return (
    <Modal
      open
      title={t('settings.users.new')}
      okText={t('common.create')}
      cancelText={t('common.cancel')}
      confirmLoading={create.isPending}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      {create.error && <ErrorAlert error={create.error} />}
      <Form<NewUser>
        form={form}
        name="new-user"
        layout="vertical"
        requiredMark={false}
        initialValues={{ role: 'viewer' satisfies Role, password: generatePassword() }}
        onFinish={(v) => create.mutate({ ...v, displayName: v.displayName.trim() || v.username.trim() })}
      >
        <Form.Item
          name="username"
          label={t('settings.username')}
          extra={t('settings.users.usernameRule')}
          rules={[
            { required: true, whitespace: true, message: t('settings.users.usernameRequired') },
            { pattern: /^[A-Za-z0-9][A-Za-z0-9._@+-]{0,63}$/, message: t('settings.users.usernameRule') },
          ]}
        >
          <Input autoComplete="off" maxLength={64} autoFocus />
        </Form.Item>
        <Form.Item
          name="displayName"
          label={t('settings.displayName')}
          rules={[{ required: true, whitespace: true, message: t('settings.users.displayNameRequired') }]}
        >
          <Input maxLength={200} />
        </Form.Item>
        <Form.Item name="role" label={t('settings.role')}>
          <Select options={ROLES.map((r) => ({ value: r, label: t(`role.${r}`) }))} />
        </Form.Item>
        <PasswordField name="password" label={t('settings.users.firstPassword')} />
      </Form>
    </Modal>
  );
}

export function ResetPasswordModal({
  user,
  onClose,
  onDone,
}: {
  user: User;
  onClose: () => void;
  onDone: (credentials: Credentials) => void;
}): React.JSX.Element {
  const { t } = useI18n();
  const [form] = Form.useForm<{ password: string }>();
  const reset = useMutation({
    mutationFn: (password: string) => settingsApi.updateUser(user.id, { password }),
    onSuccess: (u, password) => onDone({ username: u.username, password, reset: true }),
  });
  return (
    <Modal
      open
      title={t('settings.users.resetTitle', { username: user.username })}
      okText={t('settings.users.resetSubmit')}
      okButtonProps={{ danger: true }}
      cancelText={t('common.cancel')}
      confirmLoading={reset.isPending}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <Alert type="warning" showIcon title={t('settings.users.resetHint')} style={{ marginBottom: 16 }} />
      {reset.error && <ErrorAlert error={reset.error} />}
      <Form
        form={form}
        name="reset-password"
        layout="vertical"
        requiredMark={false}
        initialValues={{ password: generatePassword() }}
        onFinish={(v) => reset.mutate(v.password)}
      >
        <PasswordField name="password" label={t('settings.users.newPassword')} />
      </Form>
    </Modal>
  );
}

export function CredentialsModal({
  credentials,
  onClose,
}: {
  credentials: Credentials;
  onClose: () => void;
}): React.JSX.Element {
  const { t } = useI18n();
  const copy = { tooltips: [t('common.copy'), t('common.copied')] };
  return (
    <Modal
      open
      title={
        credentials.reset
          ? t('settings.users.resetDone', { username: credentials.username })
          : t('settings.users.created', { username: credentials.username })
      }
      onCancel={onClose}
      maskClosable={false}
      footer={
        <Button type="primary" onClick={onClose}>
          {t('common.close')}
        </Button>
      }
    >
      <Space orientation="vertical" style={{ width: '100%' }}>
        <Alert type="warning" showIcon title={t('settings.users.passwordOnce')} />
        <Typography.Text strong>{t('settings.username')}</Typography.Text>
        <Typography.Paragraph code copyable={{ ...copy, text: credentials.username }}>
          {credentials.username}
        </Typography.Paragraph>
        <Typography.Text strong>{t('settings.users.password')}</Typography.Text>
        <Typography.Paragraph
          code
          copyable={{ ...copy, text: credentials.password }}
          data-testid="user-password"
          style={{ fontSize: 15 }}
        >
          {credentials.password}
        </Typography.Paragraph>
      </Space>
    </Modal>
  );
}
