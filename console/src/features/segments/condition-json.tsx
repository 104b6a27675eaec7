import { CodeOutlined } from '@ant-design/icons';
import { Alert, Button, Collapse, Input, Modal, Typography } from 'antd';
import { useEffect, useRef, useState } from 'react';
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

/**
 * JSON edited as text: every text that parses becomes the value at once; while the text does
 * not parse it is kept, the parser's message shows under it and goes to `onError` (null once it
 * parses again, or when the field goes). A value changed from outside replaces the text.
 */
export function JsonTextArea({
  value,
  onChange,
  onError,
  disabled,
  rows = 8,
  label,
  testId,
  optional = false,
}: {
  value: unknown;
  onChange: (value: unknown) => void;
  onError?: (message: string | null) => void;
  disabled?: boolean;
  rows?: number;
  label: string;
  testId?: string;
  /** Empty text means undefined. */
  optional?: boolean;
}): React.JSX.Element {
  const { t } = useI18n();
  const format = (v: unknown): string => (v === undefined ? '' : JSON.stringify(v, null, 2));
  const json = value === undefined ? '' : JSON.stringify(value);
  const [text, setText] = useState(() => format(value));
  const [shown, setShown] = useState(json);
  const [error, setError] = useState<string | null>(null);
  if (json !== shown) {
    setShown(json);
    setText(format(value));
    setError(null);
  }
  const report = useRef(onError);
  useEffect(() => {
    report.current = onError;
  });
  useEffect(() => report.current?.(error), [error]);
  useEffect(() => () => report.current?.(null), []);
  const edit = (next: string) => {
    setText(next);
    if (optional && next.trim() === '') {
      setError(null);
      setShown('');
      onChange(undefined);
      return;
    }
    try {
      const parsed: unknown = JSON.parse(next);
      setError(null);
      setShown(JSON.stringify(parsed));
      onChange(parsed);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  return (
    <div>
      <Input.TextArea
        aria-label={label}
        data-testid={testId}
        value={text}
        disabled={disabled}
        spellCheck={false}
        autoSize={{ minRows: Math.min(rows, 3), maxRows: 24 }}
        status={error ? 'error' : undefined}
        style={{ fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace', fontSize: 12 }}
        onChange={(e) => edit(e.target.value)}
      />
      {error && (
        <Typography.Text type="danger" style={{ fontSize: 12 }}>
          {t('segments.json.invalid', { error })}
        </Typography.Text>
      )}
    </div>
  );
}
