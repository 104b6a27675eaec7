import { CodeOutlined } from '@ant-design/icons';
import { Alert, Button, Collapse, Input, Modal, Typography } from 'antd';
import { useState } from 'react';
import { useI18n } from '../../i18n';

/** The condition JSON the builder produces, read-only and folded, so an analyst can check it. */
export function ConditionJson({ condition }: { condition: unknown }): React.JSX.Element {
  const { t } = useI18n();
  const text = JSON.stringify(condition, null, 2);
  return (
    <Collapse
      size="small"
      items={[
        {
          key: 'json',
          label: (
            <span data-testid="segment-json-toggle">
              <CodeOutlined /> {t('segments.json.title')}
            </span>
          ),
          children: (
            <Typography.Paragraph
              copyable={{ text, tooltips: [t('common.copy'), t('common.copied')] }}
              style={{ margin: 0 }}
            >
              <pre
                data-testid="segment-condition-json"
                style={{ margin: 0, fontSize: 12, maxHeight: 420, overflow: 'auto', whiteSpace: 'pre-wrap' }}
              >
                {text}
              </pre>
            </Typography.Paragraph>
          ),
        },
      ]}
    />
  );
}

/** Pastes a condition as JSON (from the docs, another segment, a tag rule) into the builder. */
export function JsonEditButton({
  condition,
  onApply,
  disabled,
}: {
  condition: unknown;
  onApply: (json: unknown) => void;
  disabled?: boolean;
}): React.JSX.Element {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  return (
    <>
      <Button
        size="small"
        icon={<CodeOutlined />}
        disabled={disabled}
        onClick={() => {
          setText(JSON.stringify(condition, null, 2));
          setError(null);
          setOpen(true);
        }}
      >
        {t('segments.json.edit')}
      </Button>
      <Modal
        open={open}
        title={t('segments.json.edit')}
        width={720}
        okText={t('segments.json.apply')}
        cancelText={t('common.cancel')}
        onCancel={() => setOpen(false)}
        onOk={() => {
          try {
            onApply(JSON.parse(text));
            setOpen(false);
          } catch (err) {
            setError(err instanceof Error ? err.message : String(err));
          }
        }}
        destroyOnHidden
      >
        <Typography.Paragraph type="secondary">{t('segments.json.hint')}</Typography.Paragraph>
        <Input.TextArea
          aria-label={t('segments.json.title')}
          autoSize={{ minRows: 10, maxRows: 24 }}
          style={{ fontFamily: 'monospace', fontSize: 12 }}
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
        {error && (
          <Alert
            type="error"
            showIcon
            title={t('segments.json.invalid', { error })}
            style={{ marginTop: 8 }}
          />
        )}
      </Modal>
    </>
  );
}
