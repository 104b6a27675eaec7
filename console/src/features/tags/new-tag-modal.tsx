import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Form, Input, Modal, Radio, Select } from 'antd';
import { navigate } from '../../app/router';
import { useI18n } from '../../i18n';
import { useShowError } from '../../ui/error-alert';
import { tagsApi, type TagCategory, type TagSpec } from './api';

const KEY = /^[a-z][a-z0-9_]{0,63}$/;
const KINDS = ['rule', 'bucket', 'manual'] as const;
type NewKind = (typeof KINDS)[number];

/** What a new tag starts with: a condition to edit on its page (condition language, docs/tags.md). */
const STARTERS: Record<NewKind, TagSpec> = {
  rule: {
    kind: 'rule',
    condition: { event: 'Order Completed', within: '30d', count: { op: 'gte', value: 1 } },
  },
  bucket: {
    kind: 'bucket',
    rules: [
      {
        value: '高频',
        condition: { event: 'Order Completed', within: '90d', count: { op: 'gte', value: 3 } },
      },
      {
        value: '低频',
        condition: { event: 'Order Completed', within: '90d', count: { op: 'gte', value: 1 } },
      },
    ],
    otherwise: '无购买',
  },
  manual: { kind: 'manual' },
};

interface Values {
  key: string;
  nameZh: string;
  nameEn?: string;
  category: string;
  kind: NewKind;
}

/** Creates a tag as a draft (version 1) and opens its page, where its rules are edited and previewed. */
export function NewTagModal({
  open,
  categories,
  onClose,
}: {
  open: boolean;
  categories: readonly TagCategory[];
  onClose: () => void;
}): React.JSX.Element {
  const { t, lang } = useI18n();
  const [form] = Form.useForm<Values>();
  const showError = useShowError();
  const queryClient = useQueryClient();
  const create = useMutation({
    mutationFn: (v: Values) =>
      tagsApi.create({
        key: v.key,
        name: { 'zh-CN': v.nameZh, ...(v.nameEn ? { en: v.nameEn } : {}) },
        category: v.category,
        status: 'draft',
        spec: STARTERS[v.kind],
      }),
    onSuccess: (info) => {
      form.resetFields();
      void queryClient.invalidateQueries({ queryKey: ['tags'] });
      onClose();
      navigate(`/tags/${info.key}`);
    },
    onError: showError,
  });
  return (
    <Modal
      open={open}
      title={t('tags.new')}
      okText={t('common.create')}
      cancelText={t('common.cancel')}
      confirmLoading={create.isPending}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <Form<Values>
        form={form}
        layout="vertical"
        requiredMark={false}
        initialValues={{ kind: 'rule', category: 'behaviour' }}
        onFinish={(v) => create.mutate(v)}
      >
        <Form.Item
          name="key"
          label={t('tags.key')}
          extra={t('tags.keyHelp')}
          rules={[{ required: true, pattern: KEY, message: t('tags.keyInvalid') }]}
        >
          <Input placeholder="high_frequency_buyer" maxLength={64} autoFocus />
        </Form.Item>
        <Form.Item
          name="nameZh"
          label={t('tags.nameZh')}
          rules={[{ required: true, whitespace: true, message: t('tags.nameRequired') }]}
        >
          <Input maxLength={200} />
        </Form.Item>
        <Form.Item name="nameEn" label={t('tags.nameEn')}>
          <Input maxLength={200} />
        </Form.Item>
        <Form.Item name="category" label={t('tags.category')}>
          <Select options={categories.map((c) => ({ value: c.key, label: c.name[lang] }))} />
        </Form.Item>
        <Form.Item name="kind" label={t('common.kind')} extra={t('tags.newKindHelp')}>
          <Radio.Group
            optionType="button"
            options={KINDS.map((k) => ({ value: k, label: t(`tags.kind.${k}`) }))}
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}
