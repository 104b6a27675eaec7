import { Table, Typography } from 'antd';
import { useI18n } from '../../i18n';
import type { ImportPreview, PreviewRow } from './api';
import { JsonBlock } from './json-block';
import { ResultTag } from './result-tag';

/** The first rows of a file: the columns as read, what the mapping makes of them, and the verdict. */
export function ImportPreviewTable({ preview }: { preview: ImportPreview }): React.JSX.Element {
  const { t } = useI18n();
  const columns = preview.columns.length > 0 ? preview.columns : Object.keys(preview.rows[0]?.record ?? {});
  const shown = columns.slice(0, 6);
  return (
    <Table<PreviewRow>
      rowKey="line"
      size="small"
      pagination={false}
      scroll={{ x: true }}
      dataSource={preview.rows}
      onRow={(r) => ({ 'data-testid': 'import-preview-row', 'data-result': r.result }) as object}
      expandable={{
        expandedRowRender: (r) => (
          <div style={{ display: 'grid', gridTemplateColumns: '1fr 1fr', gap: 12 }}>
            <div>
              <Typography.Text type="secondary">{t('sources.import.asRead')}</Typography.Text>
              <JsonBlock value={r.record ?? r.raw ?? null} />
            </div>
            <div>
              <Typography.Text type="secondary">{t('sources.import.asMapped')}</Typography.Text>
              <JsonBlock value={r.message ?? null} />
            </div>
          </div>
        ),
      }}
      columns={[
        { title: t('sources.import.line'), dataIndex: 'line', width: 70 },
        {
          title: t('sources.debugger.result'),
          dataIndex: 'result',
          render: (r: 'ok' | 'rejected') => <ResultTag result={r} />,
        },
        ...shown.map((c) => ({
          title: c,
          key: `col:${c}`,
          ellipsis: true,
          render: (_: unknown, r: PreviewRow) => {
            const v = r.record?.[c];
            if (v === undefined || v === null || v === '') return '—';
            return typeof v === 'string' ? v : JSON.stringify(v);
          },
        })),
        {
          title: t('sources.import.becomes'),
          key: 'becomes',
          render: (_, r) => {
            const m = r.message;
            if (!m)
              return (
                <Typography.Text type="danger">
                  {r.code}: {r.reason}
                </Typography.Text>
              );
            const what = [m.type, m.event].filter((x) => typeof x === 'string').join(' · ');
            const who = typeof m.userId === 'string' ? m.userId : '';
            return (
              <span>
                <Typography.Text strong>{what}</Typography.Text>{' '}
                {who && <Typography.Text code>{who}</Typography.Text>}
                {r.result === 'rejected' && (
                  <div>
                    <Typography.Text type="danger">
                      {r.code}: {r.reason}
                    </Typography.Text>
                  </div>
                )}
              </span>
            );
          },
        },
      ]}
    />
  );
}
