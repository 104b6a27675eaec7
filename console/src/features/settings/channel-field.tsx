import { Checkbox, Form, Input, InputNumber, Switch, type FormRule as Rule } from 'antd';
import { useI18n } from '../../i18n';
import type { ChannelProvider } from './api';
import { clearName, fieldName, parseHeaders, type FieldSpec } from './channel-fields';

/**
 * One field of a channel's form. A secret is a write-only input: its placeholder is the masked
 * value the server answers (`••••ab`), its value is only ever what the admin types now.
 */
export function ChannelField({
  provider,
  field,
  stored,
}: {
  provider: ChannelProvider;
  field: FieldSpec;
  /** For a secret: the masked stored value, or null when none is stored. */
  stored: string | null;
}): React.JSX.Element {
  const { t } = useI18n();
  const label = t(field.label);
  const name = fieldName(provider, field);
  const help = field.help ? t(field.help) : undefined;
  const required: Rule = { required: true, message: t('settings.field.required', { field: label }) };

  switch (field.kind) {
    case 'bool':
      return (
        <Form.Item name={name} label={label} valuePropName="checked" extra={help}>
          <Switch />
        </Form.Item>
      );
    case 'number':
      return (
        <Form.Item name={name} label={label} rules={field.required ? [required] : []} extra={help}>
          <InputNumber min={1} precision={0} placeholder={field.placeholder} style={{ width: '100%' }} />
        </Form.Item>
      );
    case 'headers':
      return (
        <Form.Item
          name={name}
          label={label}
          extra={help}
          rules={[
            {
              validator: (_r, v: unknown) => {
                const parsed = typeof v === 'string' ? parseHeaders(v) : { ok: true as const };
                return parsed.ok
                  ? Promise.resolve()
                  : Promise.reject(new Error(t('settings.field.headersInvalid', { line: parsed.line })));
              },
            },
          ]}
        >
          <Input.TextArea rows={2} placeholder="X-Feedback-ID: tessera" />
        </Form.Item>
      );
    case 'secret': {
      const rules: Rule[] = [];
      if (field.required && stored === null) rules.push(required);
      if (field.min !== undefined)
        rules.push({ min: field.min, message: t('settings.field.secretMin', { min: field.min }) });
      return (
        <Form.Item
          label={label}
          required={field.required && stored === null}
          extra={
            <>
              {stored !== null ? t('settings.secret.stored', { masked: stored }) : t('settings.secret.none')}
              {help && <div>{help}</div>}
            </>
          }
        >
          <Form.Item name={name} noStyle rules={rules}>
            <Input.Password
              aria-label={label}
              autoComplete="new-password"
              placeholder={
                stored !== null ? t('settings.secret.keepPlaceholder', { masked: stored }) : undefined
              }
              visibilityToggle
            />
          </Form.Item>
          {field.clearable && stored !== null && (
            <Form.Item name={clearName(provider, field)} valuePropName="checked" noStyle>
              <Checkbox style={{ marginTop: 4 }}>{t('settings.secret.clear')}</Checkbox>
            </Form.Item>
          )}
        </Form.Item>
      );
    }
    case 'text':
    case 'email':
    case 'url': {
      const rules: Rule[] = field.required ? [required] : [];
      if (field.kind === 'email') rules.push({ type: 'email', message: t('settings.field.invalidEmail') });
      if (field.kind === 'url') rules.push({ type: 'url', message: t('settings.field.invalidUrl') });
      return (
        <Form.Item name={name} label={label} rules={rules} extra={help}>
          <Input placeholder={field.placeholder} autoComplete="off" />
        </Form.Item>
      );
    }
  }
}
