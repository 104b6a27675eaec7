import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Flex, Form, Input, InputNumber, Select, Slider, Typography } from 'antd';
import { useI18n } from '../../i18n';
import type { CanvasVariant, StepConfig } from './graph';
import { ConditionEditor } from '../segments/condition-editor';
import { DurationField, EventsField, Field, TimeField, WhereField } from './fields';
import { SendForm } from './send-form';

const KEY = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/** A value typed for a trait update: JSON when it reads as JSON (true, 42, "x"), text otherwise. */
function readValue(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
const showValue = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

function AbForm({
  config,
  onChange,
  disabled,
}: {
  config: Extract<StepConfig, { kind: 'ab' }>;
  onChange: (c: StepConfig) => void;
  disabled: boolean;
}): React.JSX.Element {
  const { t } = useI18n();
  const total = config.variants.reduce((s, v) => s + v.weight, 0);
  const control = config.control ?? 0;
  const setVariant = (i: number, v: Partial<CanvasVariant>) =>
    onChange({ ...config, variants: config.variants.map((x, j) => (i === j ? { ...x, ...v } : x)) });
  const freshKey = (): string => {
    for (let i = config.variants.length; ; i++)
      if (!config.variants.some((v) => v.key === `v${i}`)) return `v${i}`;
  };
  return (
    <>
      <Typography.Text strong>{t('journeys.ab.variants')}</Typography.Text>
      <Flex vertical gap={8} style={{ margin: '8px 0 16px' }}>
        {config.variants.map((v, i) => (
          <Flex key={v.key} gap={8} align="center">
            <Input
              aria-label={t('journeys.ab.variantName', { n: i + 1 })}
              value={v.name}
              maxLength={50}
              disabled={disabled}
              status={v.name.trim() ? undefined : 'error'}
              onChange={(e) => setVariant(i, { name: e.target.value })}
              style={{ flex: 1 }}
            />
            <InputNumber
              aria-label={t('journeys.ab.weight', { n: i + 1 })}
              value={v.weight}
              min={0.01}
              step={1}
              disabled={disabled}
              onChange={(w) => setVariant(i, { weight: typeof w === 'number' && w > 0 ? w : 1 })}
              style={{ width: 80 }}
            />
            <Typography.Text type="secondary" style={{ width: 44, textAlign: 'right' }}>
              {total > 0 ? `${Math.round(((1 - control) * v.weight * 100) / total)}%` : ''}
            </Typography.Text>
            <Button
              icon={<DeleteOutlined />}
              aria-label={t('journeys.ab.removeVariant', { name: v.name })}
              disabled={disabled || config.variants.length <= 1}
              onClick={() => onChange({ ...config, variants: config.variants.filter((_, j) => j !== i) })}
            />
          </Flex>
        ))}
        <Button
          icon={<PlusOutlined />}
          disabled={disabled || config.variants.length >= 10}
          onClick={() =>
            onChange({
              ...config,
              variants: [
                ...config.variants,
                { key: freshKey(), name: String.fromCharCode(65 + config.variants.length), weight: 1 },
              ],
            })
          }
        >
          {t('journeys.ab.addVariant')}
        </Button>
      </Flex>
      <Field id="ab-control" label={t('journeys.ab.control')} help={t('journeys.ab.controlHelp')}>
        <Flex gap={12} align="center">
          <Slider
            min={0}
            max={90}
            step={1}
            value={Math.round(control * 100)}
            disabled={disabled}
            onChange={(p: number) => onChange({ ...config, control: p / 100 })}
            style={{ flex: 1 }}
          />
          <InputNumber
            id="ab-control"
            min={0}
            max={90}
            value={Math.round(control * 100)}
            suffix="%"
            disabled={disabled}
            onChange={(p) => onChange({ ...config, control: (typeof p === 'number' ? p : 0) / 100 })}
            style={{ width: 90 }}
          />
        </Flex>
      </Field>
    </>
  );
}

/** The settings of one step, by kind. */
export function StepForm({
  nodeId,
  config,
  onChange,
  onJsonError,
  disabled,
}: {
  nodeId: string;
  config: StepConfig;
  onChange: (c: StepConfig) => void;
  onJsonError: (field: string, message: string | null) => void;
  disabled: boolean;
}): React.JSX.Element | null {
  const { t } = useI18n();
  switch (config.kind) {
    case 'wait':
      return (
        <>
          <DurationField
            id="step-duration"
            label={t('journeys.wait.duration')}
            value={config.duration}
            optional
            disabled={disabled}
            onChange={(duration) => {
              const { duration: _d, ...rest } = config;
              onChange(duration ? { ...rest, duration } : rest);
            }}
          />
          <TimeField
            id="step-until"
            label={t('journeys.wait.until')}
            value={config.until}
            disabled={disabled}
            onChange={(until) => {
              const { until: _u, ...rest } = config;
              onChange(until ? { ...rest, until } : rest);
            }}
          />
          <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
            {t('journeys.wait.help')}
          </Typography.Paragraph>
        </>
      );
    case 'wait_for_event':
      return (
        <>
          <EventsField
            id="step-event"
            label={t('journeys.waitEvent.event')}
            value={config.event}
            disabled={disabled}
            onChange={(event) => onChange({ ...config, event })}
          />
          <WhereField
            id="step-where"
            events={config.event}
            value={config.where}
            disabled={disabled}
            onError={(m) => onJsonError(`${nodeId}.where`, m)}
            onChange={(where) => {
              const { where: _w, ...rest } = config;
              onChange(where === undefined ? rest : { ...rest, where });
            }}
          />
          <DurationField
            id="step-timeout"
            label={t('journeys.waitEvent.timeout')}
            value={config.timeout}
            disabled={disabled}
            onChange={(timeout) => onChange({ ...config, timeout: timeout ?? '' })}
          />
        </>
      );
    case 'split':
      return (
        <Form.Item
          label={t('journeys.split.condition')}
          extra={t('journeys.split.conditionHelp')}
          style={{ marginBottom: 18 }}
        >
          <ConditionEditor
            value={config.condition}
            readOnly={disabled}
            countLabel={t('journeys.split.count')}
            onJsonError={(m) => onJsonError(`${nodeId}.condition`, m)}
            onChange={(condition) => onChange({ ...config, condition })}
            testId="step-condition"
          />
        </Form.Item>
      );
    case 'ab':
      return <AbForm config={config} onChange={onChange} disabled={disabled} />;
    case 'send':
      return (
        <SendForm
          nodeId={nodeId}
          config={config}
          onChange={onChange}
          onJsonError={onJsonError}
          disabled={disabled}
        />
      );
    case 'update':
      return (
        <>
          <Field id="step-set-kind" label={t('journeys.update.kind')}>
            <Select
              id="step-set-kind"
              value={config.set.kind}
              disabled={disabled}
              onChange={(kind: 'trait' | 'tag') => onChange({ ...config, set: { ...config.set, kind } })}
              options={(['trait', 'tag'] as const).map((k) => ({
                value: k,
                label: t(`journeys.update.${k}`),
              }))}
            />
          </Field>
          <Field
            id="step-set-key"
            label={t('journeys.update.key')}
            error={KEY.test(config.set.key) ? null : t('journeys.field.keyHelp')}
          >
            <Input
              id="step-set-key"
              value={config.set.key}
              disabled={disabled}
              onChange={(e) => onChange({ ...config, set: { ...config.set, key: e.target.value.trim() } })}
            />
          </Field>
          <Field id="step-set-value" label={t('journeys.update.value')} help={t('journeys.update.valueHelp')}>
            <Input
              id="step-set-value"
              value={showValue(config.set.value)}
              disabled={disabled}
              onChange={(e) =>
                onChange({ ...config, set: { ...config.set, value: readValue(e.target.value) } })
              }
            />
          </Field>
        </>
      );
    case 'webhook':
      return (
        <Field
          id="step-url"
          label={t('journeys.webhook.url')}
          help={t('journeys.webhook.help')}
          error={!config.url || /^https?:\/\/\S+$/.test(config.url) ? null : t('journeys.webhook.urlHelp')}
        >
          <Input
            id="step-url"
            value={config.url}
            placeholder="https://example.com/hook"
            disabled={disabled}
            onChange={(e) => onChange({ ...config, url: e.target.value.trim() })}
          />
        </Field>
      );
    case 'exit':
      return <Typography.Paragraph type="secondary">{t('journeys.exit.help')}</Typography.Paragraph>;
  }
}
