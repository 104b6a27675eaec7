import { DownloadOutlined } from '@ant-design/icons';
import { useMutation } from '@tanstack/react-query';
import { Alert, App, Button, Card, Flex, Typography } from 'antd';
import { useState } from 'react';
import { roleAllows } from '../../api-types';
import { useUser } from '../../app/session';
import { useI18n } from '../../i18n';
import { ErrorAlert } from '../../ui/error-alert';
import { exportCsv, type AudienceColumns, type SegmentDetail } from './api';
import { ColumnsPicker } from './audience-columns';

/** The members as a CSV file with chosen identifiers, traits and tags (POST /:id/export, audited). */

function download(filename: string, text: string): void {
  // A BOM so spreadsheet programs read the UTF-8 (Chinese names) correctly.
  const url = URL.createObjectURL(new Blob(['\uFEFF', text], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function ExportTab({ segment }: { segment: SegmentDetail }): React.JSX.Element {
  const { t, formatNumber } = useI18n();
  const { message } = App.useApp();
  const user = useUser();
  const admin = user.role === 'admin';
  const [columns, setColumns] = useState<AudienceColumns>({
    identifiers: [{ type: 'phone', hash: admin ? 'none' : 'sha256' }],
    traits: [],
    tags: [],
  });
  const run = useMutation({
    mutationFn: () => exportCsv(segment.id, columns),
    onSuccess: (r) => {
      download(r.filename, r.csv);
      void message.success(t('segments.export.done', { rows: formatNumber(r.rows) }));
    },
  });
  if (!roleAllows(user.role, 'marketer'))
    return <Alert type="info" showIcon title={t('segments.export.forbidden')} />;
  const empty = columns.identifiers.length + columns.traits.length + columns.tags.length === 0;
  return (
    <Card size="small">
      <Flex vertical gap={16}>
        <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
          {t('segments.export.hint', { size: segment.size === null ? '—' : formatNumber(segment.size) })}
        </Typography.Paragraph>
        <ColumnsPicker value={columns} onChange={setColumns} rawAllowed={admin} />
        {run.error !== null && <ErrorAlert error={run.error} />}
        {run.data && (
          <Alert
            type="success"
            showIcon
            title={t('segments.export.done', { rows: formatNumber(run.data.rows) })}
            description={
              <Typography.Text code style={{ whiteSpace: 'pre-wrap', fontSize: 12 }}>
                {run.data.csv.split('\n').slice(0, 4).join('\n')}
              </Typography.Text>
            }
          />
        )}
        <div>
          <Button
            type="primary"
            icon={<DownloadOutlined />}
            loading={run.isPending}
            disabled={empty}
            onClick={() => run.mutate()}
            data-testid="segment-export"
          >
            {t('segments.export.run')}
          </Button>
        </div>
      </Flex>
    </Card>
  );
}
