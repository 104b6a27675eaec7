import { PlusOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Flex, Form, Input, InputNumber, Space, Typography } from 'antd';
import { useI18n } from '../../i18n';
import type { Range, TagSpec } from './api';
import { ConditionEditor } from '../segments/condition-editor';
import { ParamFields } from './param-fields';
import {
  move,
  newId,
  OtherwiseField,
  parseTagValue,
  RowTools,
  SourceEditor,
  useRowIds,
  useValidity,
} from './spec-parts';

type Props = {
  spec: TagSpec;
  onChange: (spec: TagSpec) => void;
  onValid: (valid: boolean) => void;
  /** The template's version-1 spec, for the parameters' defaults. */
  defaults?: TagSpec | null;
  disabled?: boolean;
};

/** Bucket tags: an ordered list of values, each with its condition; the first that holds wins. */
function BucketEditor({
  spec,
  onChange,
  onValid,
  disabled,
}: Props & { spec: Extract<TagSpec, { kind: 'bucket' }> }) {
  const { t } = useI18n();
  const [ids, setIds] = useRowIds(spec.rules.length);
  const validity = useValidity(onValid);
  const setRules = (rules: typeof spec.rules) => onChange({ ...spec, rules });
  return (
    <Flex vertical gap={12}>
      <Typography.Text type="secondary">{t('tags.rule.bucketHelp')}</Typography.Text>
      {spec.rules.map((r, i) => (
        <Card
          key={ids[i]}
          size="small"
          data-testid={`bucket-rule-${i}`}
          title={
            <Space>
              <Typography.Text type="secondary">#{i + 1}</Typography.Text>
              <Input
                aria-label={t('tags.rule.value')}
                placeholder={t('tags.rule.value')}
                value={String(r.value)}
                disabled={disabled}
                status={String(r.value) === '' ? 'error' : undefined}
                onChange={(e) =>
                  setRules(
                    spec.rules.map((x, j) =>
                      j === i ? { ...x, value: parseTagValue(e.target.value, x.value) } : x,
                    ),
                  )
                }
                style={{ width: 220 }}
              />
            </Space>
          }
          extra={
            <RowTools
              index={i}
              count={spec.rules.length}
              disabled={disabled}
              onMove={(to) => {
                setRules(move(spec.rules, i, to));
                setIds(move(ids, i, to));
              }}
              onRemove={() => {
                validity(ids[i]!)(true);
                setRules(spec.rules.filter((_, j) => j !== i));
                setIds(ids.filter((_, j) => j !== i));
              }}
            />
          }
        >
          <ConditionEditor
            value={r.condition}
            readOnly={disabled}
            liveCount={false}
            testId={`condition-${i}`}
            onJsonError={(m) => validity(ids[i]!)(m === null)}
            onChange={(c) => setRules(spec.rules.map((x, j) => (j === i ? { ...x, condition: c } : x)))}
          />
        </Card>
      ))}
      {!disabled && (
        <Button
          icon={<PlusOutlined />}
          onClick={() => {
            setRules([
              ...spec.rules,
              { value: t('tags.rule.newValue'), condition: { trait: 'city', op: 'exists' } },
            ]);
            setIds([...ids, newId()]);
          }}
        >
          {t('tags.rule.addValue')}
        </Button>
      )}
      <OtherwiseField
        value={spec.otherwise}
        disabled={disabled}
        onChange={(v) =>
          onChange(v === undefined ? { kind: 'bucket', rules: spec.rules } : { ...spec, otherwise: v })
        }
      />
    </Flex>
  );
}

/** Range tags: `[min, max)` bands over a number, in order. */
function RangeEditor({
  spec,
  onChange,
  onValid,
  disabled,
}: Props & { spec: Extract<TagSpec, { kind: 'range' }> }) {
  const { t } = useI18n();
  const [ids, setIds] = useRowIds(spec.ranges.length);
  const setRanges = (ranges: Range[]) => onChange({ ...spec, ranges });
  const setRange = (i: number, patch: Partial<Range>) =>
    setRanges(
      spec.ranges.map((x, j) => {
        if (j !== i) return x;
        const next: Range = { ...x, ...patch };
        if (next.min === undefined) delete next.min;
        if (next.max === undefined) delete next.max;
        return next;
      }),
    );
  return (
    <Flex vertical gap={8}>
      <SourceEditor
        of={spec.of}
        disabled={disabled}
        onValid={onValid}
        onChange={(of) => onChange({ ...spec, of })}
      />
      <Typography.Text type="secondary">{t('tags.rule.rangeHelp')}</Typography.Text>
      {spec.ranges.map((r, i) => (
        <Flex key={ids[i]} gap={8} align="center" wrap data-testid={`range-${i}`}>
          <Input
            aria-label={t('tags.rule.value')}
            value={String(r.value)}
            disabled={disabled}
            onChange={(e) => setRange(i, { value: parseTagValue(e.target.value, r.value) })}
            style={{ width: 180 }}
          />
          <InputNumber<number>
            aria-label={t('tags.param.rangeMin', { value: String(r.value) })}
            placeholder={t('tags.param.open')}
            value={r.min ?? null}
            disabled={disabled}
            onChange={(v) => setRange(i, { min: v ?? undefined })}
            prefix="≥"
            style={{ width: 140 }}
          />
          <InputNumber<number>
            aria-label={t('tags.param.rangeMax', { value: String(r.value) })}
            placeholder={t('tags.param.open')}
            value={r.max ?? null}
            disabled={disabled}
            onChange={(v) => setRange(i, { max: v ?? undefined })}
            prefix="<"
            style={{ width: 140 }}
          />
          <RowTools
            index={i}
            count={spec.ranges.length}
            disabled={disabled}
            onMove={(to) => {
              setRanges(move(spec.ranges, i, to));
              setIds(move(ids, i, to));
            }}
            onRemove={() => {
              setRanges(spec.ranges.filter((_, j) => j !== i));
              setIds(ids.filter((_, j) => j !== i));
            }}
          />
        </Flex>
      ))}
      {!disabled && (
        <Button
          icon={<PlusOutlined />}
          style={{ alignSelf: 'flex-start' }}
          onClick={() => {
            const last = spec.ranges.at(-1);
            setRanges([
              ...spec.ranges,
              { value: t('tags.rule.newValue'), ...(last?.max !== undefined ? { min: last.max } : {}) },
            ]);
            setIds([...ids, newId()]);
          }}
        >
          {t('tags.rule.addRange')}
        </Button>
      )}
      <OtherwiseField
        value={spec.otherwise}
        disabled={disabled}
        onChange={(v) =>
          onChange(
            v === undefined ? { kind: 'range', of: spec.of, ranges: spec.ranges } : { ...spec, otherwise: v },
          )
        }
      />
    </Flex>
  );
}

/** The editor of a tag's spec, by kind: conditions in the condition editor, bands, parameters. */
export function SpecEditor(props: Props): React.JSX.Element {
  const { t } = useI18n();
  const { spec, onChange, onValid, disabled, defaults } = props;
  switch (spec.kind) {
    case 'rule':
      return (
        <Form.Item label={t('tags.rule.condition')} extra={t('tags.rule.ruleHelp')}>
          <ConditionEditor
            value={spec.condition}
            readOnly={disabled}
            countLabel={t('tags.rule.count')}
            testId="condition-0"
            onJsonError={(m) => onValid(m === null)}
            onChange={(c) => onChange({ kind: 'rule', condition: c })}
          />
        </Form.Item>
      );
    case 'bucket':
      return <BucketEditor {...props} spec={spec} />;
    case 'range':
      return <RangeEditor {...props} spec={spec} />;
    case 'computed':
      return (
        <Flex vertical gap={8}>
          <SourceEditor
            of={spec.of}
            disabled={disabled}
            onValid={onValid}
            onChange={(of) => onChange({ kind: 'computed', of })}
          />
          <ParamFields spec={spec} onChange={onChange} defaults={defaults} disabled={disabled} />
        </Flex>
      );
    case 'model':
      return (
        <Flex vertical gap={8}>
          {spec.model === 'top_share' && (
            <SourceEditor
              of={spec.of}
              disabled={disabled}
              onValid={onValid}
              onChange={(of) => onChange({ ...spec, of })}
            />
          )}
          <ParamFields spec={spec} onChange={onChange} defaults={defaults} disabled={disabled} />
        </Flex>
      );
    case 'manual':
      return <Alert type="info" showIcon title={t('tags.rule.manualHelp')} />;
  }
}
