import { Input, Typography } from 'antd';
import { useState } from 'react';
import { useI18n } from '../../i18n';

/**
 * A JSON value edited as text: the text is kept while it does not parse (the error shows under
 * it, and `onValid(false)` tells the form); every text that parses becomes the value. A value
 * changed from outside (a reset, a parameter field editing the same object) replaces the text.
 */
export function JsonField({
  value,
  onChange,
  onValid,
  disabled,
  rows = 6,
  testId,
  label,
}: {
  value: unknown;
  onChange: (value: unknown) => void;
  onValid?: (valid: boolean) => void;
  disabled?: boolean;
  rows?: number;
  testId?: string;
  label?: string;
}): React.JSX.Element {
  const { t } = useI18n();
  const json = JSON.stringify(value);
  const [text, setText] = useState(() => (value === undefined ? '' : JSON.stringify(value, null, 2)));
  const [error, setError] = useState<string | null>(null);
  // The value this text stands for; another one came from outside.
  const [shown, setShown] = useState(json);
  if (json !== shown) {
    setShown(json);
    setText(value === undefined ? '' : JSON.stringify(value, null, 2));
    setError(null);
  }
  return (
    <div>
      <Input.TextArea
        value={text}
        disabled={disabled}
        aria-label={label}
        data-testid={testId}
        autoSize={{ minRows: Math.min(rows, 3), maxRows: 24 }}
        spellCheck={false}
        status={error ? 'error' : undefined}
        style={{ fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace', fontSize: 12 }}
        onChange={(e) => {
          const next = e.target.value;
          setText(next);
          try {
            const parsed: unknown = JSON.parse(next);
            setError(null);
            setShown(JSON.stringify(parsed));
            onValid?.(true);
            onChange(parsed);
          } catch (err) {
            setError(err instanceof Error ? err.message : String(err));
            onValid?.(false);
          }
        }}
      />
      {error && (
        <Typography.Text type="danger" style={{ fontSize: 12 }}>
          {t('tags.jsonInvalid', { error })}
        </Typography.Text>
      )}
    </div>
  );
}
