import { useMutation } from '@tanstack/react-query';
import { Form, Input, Modal, Radio, Select, Typography } from 'antd';
import { useState } from 'react';
import { api } from '../../api';
import type { CreatedSource, Source } from '../../api-types';
import { useI18n } from '../../i18n';
import { useShowError } from '../../ui/error-alert';
import { ShownOnceModal } from '../../ui/shown-once';
import { sourcesApi } from './api';

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

/** The write key of a source just created (or given a new key): the server gives it out this once. */
export function WriteKeyModal({
  source,
  rotated = false,
  onClose,
}: {
  source: CreatedSource;
  rotated?: boolean;
  onClose: () => void;
}): React.JSX.Element {
  const { t } = useI18n();
  return (
    <ShownOnceModal
      title={
        rotated ? t('sources.rotated', { name: source.name }) : t('sources.created', { name: source.name })
      }
      warning={t('sources.writeKeyOnce')}
      label={t('sources.writeKey')}
      value={source.writeKey}
      testId="write-key"
      usage={t('sources.writeKeyUsage')}
      onClose={onClose}
    />
  );
}

const GRACES = [0, 1, 24, 168] as const;

/**
 * Asks how long the current write key should keep working, then gives the source a new one
 * (`POST /api/v1/sources/:id/rotate-key`): at once after a leak, or later for apps in the field.
 */
export function RotateKeyModal({
  source,
  onClose,
  onRotated,
}: {
  source: Source;
  onClose: () => void;
  onRotated: (s: CreatedSource) => void;
}): React.JSX.Element {
  const { t } = useI18n();
  const showError = useShowError();
  const [grace, setGrace] = useState<number>(0);
  const rotate = useMutation({
    mutationFn: () => sourcesApi.rotateKey(source.id, grace),
    onSuccess: onRotated,
    onError: showError,
  });
  return (
    <Modal
      open
      title={t('sources.rotateTitle', { name: source.name })}
      okText={t('sources.rotate')}
      okButtonProps={{ danger: grace === 0, loading: rotate.isPending }}
      cancelText={t('common.cancel')}
      onOk={() => rotate.mutate()}
      onCancel={onClose}
    >
      <Typography.Paragraph>{t('sources.rotateIntro')}</Typography.Paragraph>
      <Radio.Group
        value={grace}
        onChange={(e) => setGrace(e.target.value as number)}
        options={GRACES.map((h) => ({ value: h, label: t(`sources.grace.${h}`) }))}
        style={{ display: 'flex', flexDirection: 'column', gap: 8 }}
        data-testid="rotate-grace"
      />
    </Modal>
  );
}
