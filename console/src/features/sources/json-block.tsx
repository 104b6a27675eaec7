/** A JSON value, pretty-printed in a scrollable block. */
export function JsonBlock({
  value,
  maxHeight = 360,
}: {
  value: unknown;
  maxHeight?: number;
}): React.JSX.Element {
  return (
    <pre
      style={{
        margin: 0,
        padding: 12,
        maxHeight,
        overflow: 'auto',
        fontSize: 12,
        background: 'rgba(0, 0, 0, 0.03)',
        borderRadius: 6,
        whiteSpace: 'pre-wrap',
        wordBreak: 'break-all',
      }}
    >
      {typeof value === 'string' ? value : JSON.stringify(value, null, 2)}
    </pre>
  );
}
