import { Flex, Input, Select, Typography } from 'antd';
import { useI18n } from '../../i18n';
import { useBuilderOptions } from '../segments/builder-options';
import { CHANNELS, type Channel, type MessageTemplate } from './api';
import { Field, JsonField } from './fields';
import type { StepConfig } from './graph';

type TemplatePart = 'subject' | 'body' | 'html' | 'templateId' | 'params';

/** Which template parts each channel sends (the rest are kept but not shown). */
const PARTS: Record<Channel, readonly TemplatePart[]> = {
  email: ['subject', 'html', 'body'],
  sms: ['templateId', 'params'],
  wechat: ['templateId', 'params'],
  push: ['subject', 'body'],
  webhook: ['body'],
};

/** A send step: the channel and its message (Liquid in every text: `{{ traits.name }}`). */
export function SendForm({
  nodeId,
  config,
  onChange,
  onJsonError,
  disabled,
}: {
  nodeId: string;
  config: Extract<StepConfig, { kind: 'send' }>;
  onChange: (c: StepConfig) => void;
  onJsonError: (field: string, message: string | null) => void;
  disabled: boolean;
}): React.JSX.Element {
  const { t } = useI18n();
  const tpl = config.template;
  const set = (part: Exclude<TemplatePart, 'params'>, value: string) => {
    const next: MessageTemplate = { ...tpl };
    if (value === '') delete next[part];
    else next[part] = value;
    onChange({ ...config, template: next });
  };
  const text = (part: Exclude<TemplatePart, 'params'>, rows: number) => {
    const id = `send-${part}`;
    const label =
      part === 'subject' && config.channel === 'push'
        ? t('journeys.send.subjectPush')
        : t(`journeys.send.${part}`);
    return (
      <Field key={part} id={id} label={label}>
        {rows > 1 ? (
          <Input.TextArea
            id={id}
            rows={rows}
            value={tpl[part] ?? ''}
            disabled={disabled}
            onChange={(e) => set(part, e.target.value)}
          />
        ) : (
          <Input
            id={id}
            value={tpl[part] ?? ''}
            disabled={disabled}
            onChange={(e) => set(part, e.target.value)}
          />
        )}
      </Field>
    );
  };
  return (
    <>
      <Field id="send-channel" label={t('journeys.send.channel')}>
        <Select
          id="send-channel"
          value={config.channel}
          disabled={disabled}
          onChange={(channel: Channel) => onChange({ ...config, channel })}
          options={CHANNELS.map((c) => ({ value: c, label: t(`journeys.channel.${c}`) }))}
        />
      </Field>
      {PARTS[config.channel].map((part) => {
        switch (part) {
          case 'subject':
          case 'templateId':
            return text(part, 1);
          case 'body':
            return text(part, config.channel === 'email' ? 3 : 4);
          case 'html':
            return text(part, 6);
          case 'params':
            return (
              <JsonField
                key={`params-${config.channel}`}
                id="send-params"
                label={t('journeys.send.params')}
                help={t(
                  config.channel === 'wechat' ? 'journeys.send.paramsWechat' : 'journeys.send.paramsSms',
                )}
                value={tpl.params}
                optional
                rows={4}
                disabled={disabled}
                onError={(m) => onJsonError(`${nodeId}.params`, m)}
                onChange={(params) => {
                  const { params: _p, ...rest } = tpl;
                  onChange({
                    ...config,
                    template:
                      params === undefined ? rest : { ...rest, params: params as MessageTemplate['params'] },
                  });
                }}
              />
            );
        }
      })}
      <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
        {t('journeys.send.liquidHelp')}
      </Typography.Paragraph>
      <VariableHints />
    </>
  );
}

/** The traits (and computed traits) people carry, as Liquid variables to copy into a text. */
function VariableHints(): React.JSX.Element | null {
  const { t } = useI18n();
  const { traits } = useBuilderOptions();
  const shown = traits.slice(0, 24);
  if (shown.length === 0) return null;
  return (
    <div data-testid="send-variables">
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {t('journeys.send.variables')}
      </Typography.Text>
      <Flex wrap gap={4} style={{ margin: '4px 0' }}>
        {shown.map((k) => {
          const path = `${k.computed ? 'computed' : 'traits'}.${k.key}`;
          return (
            <Typography.Text
              key={path}
              code
              style={{ fontSize: 12 }}
              copyable={{ text: `{{ ${path} }}`, tooltips: [t('common.copy'), t('common.copied')] }}
            >
              {path}
            </Typography.Text>
          );
        })}
      </Flex>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {t('journeys.send.variablesHelp')}
      </Typography.Text>
    </div>
  );
}
