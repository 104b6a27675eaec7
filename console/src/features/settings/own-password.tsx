import { useMutation } from '@tanstack/react-query';
import { App, Alert, Form, Input, Modal } from 'antd';
import { setCsrfToken } from '../../api';
import { useI18n } from '../../i18n';
import { ErrorAlert } from '../../ui/error-alert';
import { settingsApi } from './api';
import { MIN_PASSWORD_LENGTH } from './password';

interface Values {
  current: string;
  next: string;
  repeat: string;
}

/**
 * Changes the signed-in user's own password. The server ends every session of theirs and opens a
 * new one for this browser (new cookie, new CSRF token), so the console keeps working here.
 */
export function OwnPasswordModal({ onClose }: { onClose: () => void }): React.JSX.Element {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const change = useMutation({
    mutationFn: (v: Values) => settingsApi.changeOwnPassword(v.current, v.next),
    onSuccess: (answer) => {
      setCsrfToken(answer.csrfToken);
      void message.success(t('settings.ownPassword.done'));
      onClose();
    },
  });
  return (
    <Modal
      open
      title={t('settings.ownPassword.title')}
      okText={t('settings.ownPassword.submit')}
      cancelText={t('common.cancel')}
      confirmLoading={change.isPending}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <Alert type="info" showIcon title={t('settings.ownPassword.hint')} style={{ marginBottom: 16 }} />
      {change.error && <ErrorAlert error={change.error} />}
      <Form
        form={form}
        name="own-password"
        layout="vertical"
        requiredMark={false}
        onFinish={(v) => change.mutate(v)}
      >
        <Form.Item
          name="current"
          label={t('settings.ownPassword.current')}
          rules={[{ required: true, message: t('settings.passwordRequired') }]}
        >
          <Input.Password autoComplete="current-password" />
        </Form.Item>
        <Form.Item
          name="next"
          label={t('settings.ownPassword.next')}
          rules={[
            { required: true, message: t('settings.passwordRequired') },
            {
              min: MIN_PASSWORD_LENGTH,
              message: t('settings.passwordTooShort', { min: MIN_PASSWORD_LENGTH }),
            },
          ]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Form.Item
          name="repeat"
          label={t('settings.ownPassword.repeat')}
          dependencies={['next']}
          rules={[
            { required: true, message: t('settings.passwordRequired') },
            ({ getFieldValue }) => ({
              validator: (_rule, value) =>
                value === getFieldValue('next')
                  ? Promise.resolve()
                  : Promise.reject(new Error(t('settings.ownPassword.mismatch'))),
            }),
          ]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
