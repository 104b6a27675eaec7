import { useMutation } from '@tanstack/react-query';
import { Form, Input, Modal, Select } from 'antd';
import { api } from '../../api';
import type { CreatedSource } from '../../api-types';
import { useI18n } from '../../i18n';
import { useShowError } from '../../ui/error-alert';
import { ShownOnceModal } from '../../ui/shown-once';

/** The kinds the server accepts (src/collect/sources.ts SOURCE_KINDS). */
const KINDS = [
  'http',
  'web',
  'app',
  'miniprogram',
  'server',
  'pos',
  'ecommerce',
  'crm',
  'service',
  'import',
] as const;

export function NewSourceModal({
  open,
  onClose,
  onCreated,
}: {
  open: boolean;
  onClose: () => void;
  onCreated: (s: CreatedSource) => void;
}): React.JSX.Element {
  const { t } = useI18n();
  const [form] = Form.useForm<{ name: string; kind: string }>();
  const showError = useShowError();
  const create = useMutation({
    mutationFn: (v: { name: string; kind: string }) => api.createSource(v.name, v.kind),
    onSuccess: (s) => {
      form.resetFields();
      onCreated(s);
    },
    onError: showError,
  });
  return (
    <Modal
      open={open}
      title={t('sources.new')}
      okText={t('common.create')}
      cancelText={t('common.cancel')}
      confirmLoading={create.isPending}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <Form
        form={form}
        layout="vertical"
        initialValues={{ kind: 'http' }}
        onFinish={(v) => create.mutate(v)}
        requiredMark={false}
      >
        <Form.Item
          name="name"
          label={t('sources.name')}
          rules={[{ required: true, whitespace: true, message: t('sources.nameRequired') }]}
        >
          <Input placeholder={t('sources.namePlaceholder')} maxLength={200} autoFocus />
        </Form.Item>
        <Form.Item name="kind" label={t('sources.kind')}>
          <Select options={KINDS.map((k) => ({ value: k, label: t(`sources.kind.${k}`) }))} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** The write key of a source just created: the server gives it out this once. */
export function WriteKeyModal({
  source,
  onClose,
}: {
  source: CreatedSource;
  onClose: () => void;
}): React.JSX.Element {
  const { t } = useI18n();
  return (
    <ShownOnceModal
      title={t('sources.created', { name: source.name })}
      warning={t('sources.writeKeyOnce')}
      label={t('sources.writeKey')}
      value={source.writeKey}
      testId="write-key"
      usage={t('sources.writeKeyUsage')}
      onClose={onClose}
    />
  );
}
