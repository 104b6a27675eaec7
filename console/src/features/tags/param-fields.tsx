import { Button, Col, Form, Input, InputNumber, Row, Typography } from 'antd';
import { useI18n } from '../../i18n';
import type { TagSpec } from './api';
import { getAt, setAt, specParams, type Param } from './params';

const DURATION = /^\d{1,6}[smhd]$/;

export const isValidDuration = (v: unknown): boolean => typeof v === 'string' && DURATION.test(v);

/** The label of a parameter in the current language. */
export function useParamLabel(): (p: Param) => string {
  const { tryT } = useI18n();
  return (p) => tryT(`tags.param.${p.label}`, p.vars) ?? p.label;
}

/**
 * The tuning form of a spec, generated from its parameters (src/tags/definitions.ts bounds),
 * each with the template's default beside it when `defaults` is given.
 */
export function ParamFields({
  spec,
  onChange,
  defaults,
  disabled,
}: {
  spec: TagSpec;
  onChange: (spec: TagSpec) => void;
  defaults?: TagSpec | null;
  disabled?: boolean;
}): React.JSX.Element {
  const { t } = useI18n();
  const label = useParamLabel();
  const params = specParams(spec);
  if (params.length === 0) return <Typography.Text type="secondary">{t('tags.noParams')}</Typography.Text>;

  const field = (p: Param) => {
    const value = getAt(spec, p.path);
    const set = (v: unknown) => onChange(setAt(spec, p.path, v === null || v === '' ? undefined : v));
    const common = { disabled, 'data-testid': `param-${p.id}`, 'aria-label': label(p) };
    switch (p.type) {
      case 'duration':
        return (
          <Input
            {...common}
            value={typeof value === 'string' ? value : ''}
            status={isValidDuration(value) ? undefined : 'error'}
            placeholder="30d"
            onChange={(e) => set(e.target.value.trim())}
            style={{ width: 160 }}
          />
        );
      case 'share':
        return (
          <InputNumber<number>
            {...common}
            value={typeof value === 'number' ? Math.round(value * 1000) / 10 : null}
            min={(p.min ?? 0) * 100}
            max={(p.max ?? 1) * 100}
            step={1}
            suffix="%"
            onChange={(v) => set(v === null ? null : v / 100)}
            style={{ width: 160 }}
          />
        );
      case 'int':
      case 'number':
        return (
          <InputNumber<number>
            {...common}
            value={typeof value === 'number' ? value : null}
            min={p.min}
            max={p.max}
            precision={p.type === 'int' ? 0 : undefined}
            placeholder={p.optional ? t('tags.param.open') : undefined}
            onChange={set}
            style={{ width: 160 }}
          />
        );
    }
  };

  const defaultOf = (p: Param) => {
    if (!defaults) return null;
    const d = getAt(defaults, p.path);
    const shown =
      d === undefined
        ? t('tags.param.open')
        : p.type === 'share'
          ? `${Math.round(Number(d) * 1000) / 10}%`
          : typeof d === 'string'
            ? d
            : JSON.stringify(d);
    return t('tags.param.default', { value: shown });
  };
  const changed = defaults
    ? params.some((p) => JSON.stringify(getAt(spec, p.path)) !== JSON.stringify(getAt(defaults, p.path)))
    : false;

  return (
    <Form layout="vertical" component="div">
      <Row gutter={16}>
        {params.map((p) => (
          <Col key={p.id} xs={24} sm={12} md={8}>
            <Form.Item label={label(p)} extra={defaultOf(p)} style={{ marginBottom: 12 }}>
              {field(p)}
            </Form.Item>
          </Col>
        ))}
      </Row>
      {defaults && !disabled && (
        <Button
          size="small"
          disabled={!changed}
          onClick={() => {
            let next = spec;
            for (const p of params) next = setAt(next, p.path, getAt(defaults, p.path));
            onChange(next);
          }}
        >
          {t('tags.param.resetDefaults')}
        </Button>
      )}
    </Form>
  );
}
