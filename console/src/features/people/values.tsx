import { Typography } from 'antd';

/** A trait, tag or property value: scalars as text, lists and objects as compact JSON. */
export function Value({ value }: { value: unknown }): React.JSX.Element {
  if (value === null || value === undefined) return <Typography.Text type="secondary">—</Typography.Text>;
  if (typeof value === 'boolean') return <>{value ? '✓' : '✗'}</>;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint')
    return <>{String(value)}</>;
  return (
    <Typography.Text code style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>
      {JSON.stringify(value)}
    </Typography.Text>
  );
}

/** An object's first entries as `key: value` pairs (event properties in the timeline). */
export function Entries({ of, max = 8 }: { of: Record<string, unknown> | undefined; max?: number }) {
  if (!of) return null;
  const entries = Object.entries(of);
  if (entries.length === 0) return null;
  return (
    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
      {entries.slice(0, max).map(([k, v], i) => (
        <span key={k}>
          {i > 0 && ' · '}
          {k}: {typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)}
        </span>
      ))}
      {entries.length > max && ` · … (+${entries.length - max})`}
    </Typography.Text>
  );
}
