import { InboxOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  Button,
  Card,
  Col,
  Form,
  Progress,
  Row,
  Select,
  Space,
  Statistic,
  Tag,
  Typography,
  Upload,
} from 'antd';
import { useEffect, useState } from 'react';
import { useI18n } from '../../i18n';
import { sourcesQuery } from '../../queries';
import { ErrorAlert, useShowError } from '../../ui/error-alert';
import { sourcesApi, uploadImport, type ImportPreset, type ImportSummary } from './api';
import { ImportHistory } from './import-history';
import { ImportPreviewTable } from './import-preview-table';

/** How much of the file the mapping preview reads: enough for the header and a screen of rows. */
const PREVIEW_BYTES = 64 * 1024;

/**
 * The file's beginning up to its last whole line, as bytes (so a GB18030 export is decoded by the
 * server the way the import will decode it, not by the browser).
 */
async function head(file: File): Promise<Blob> {
  if (file.size <= PREVIEW_BYTES) return file;
  const bytes = new Uint8Array(await file.slice(0, PREVIEW_BYTES).arrayBuffer());
  const lastNewline = bytes.lastIndexOf(0x0a);
  return file.slice(0, lastNewline > 0 ? lastNewline + 1 : PREVIEW_BYTES);
}

/**
 * Import a CSV or JSONL export: pick the mapping and the file, see what its first rows become
 * (and which would be refused, and why), then upload it with progress; the result links to the
 * rejected rows.
 */
export default function FileImport({
  onOpenRejected,
}: {
  onOpenRejected: (sourceId: string) => void;
}): React.JSX.Element {
  const { t, lang, formatNumber } = useI18n();
  const queryClient = useQueryClient();
  const showError = useShowError();
  const presets = useQuery({
    queryKey: ['import-presets'],
    queryFn: ({ signal }) => sourcesApi.presets(signal),
  });
  const sources = useQuery(sourcesQuery);
  const [presetName, setPresetName] = useState<string | undefined>(undefined);
  const [sourceId, setSourceId] = useState<string | undefined>(undefined);
  const [file, setFile] = useState<File | null>(null);
  const [sent, setSent] = useState<{ sent: number; total: number } | null>(null);
  const [summary, setSummary] = useState<ImportSummary | null>(null);
  const preset: ImportPreset | undefined = presets.data?.presets.find((p) => p.name === presetName);

  const preview = useMutation({
    mutationFn: async (v: { file: File; preset: ImportPreset; sourceId?: string }) =>
      sourcesApi.preview(await head(v.file), v.preset, v.file.name, v.sourceId),
  });
  const { mutate: runPreview, reset: resetPreview } = preview;
  useEffect(() => {
    setSummary(null);
    if (file && preset) runPreview({ file, preset, sourceId });
    else resetPreview();
  }, [file, preset, sourceId, runPreview, resetPreview]);

  const upload = useMutation({
    mutationFn: (v: { file: File; preset: ImportPreset; sourceId?: string }) => {
      setSent({ sent: 0, total: v.file.size });
      const run = uploadImport(v.file, v.preset, v.sourceId, (s, total) => setSent({ sent: s, total }));
      void queryClient.invalidateQueries({ queryKey: ['imports'] });
      return run.done;
    },
    onSuccess: (s) => {
      setSummary(s);
      for (const key of ['imports', 'sources', 'overview', 'rejected', 'rejected-summary'])
        void queryClient.invalidateQueries({ queryKey: [key] });
    },
    onError: showError,
    onSettled: () => setSent(null),
  });

  const ok = preview.data?.rows.filter((r) => r.result === 'ok').length ?? 0;
  const fileSource = sources.data?.sources.find((s) => s.kind === 'import')?.id;

  return (
    <Space orientation="vertical" style={{ width: '100%' }} size={16}>
      <Card>
        <Form layout="vertical" requiredMark={false}>
          <Row gutter={16}>
            <Col xs={24} md={12}>
              <Form.Item label={t('sources.import.mapping')} required>
                <Select
                  value={presetName}
                  onChange={setPresetName}
                  placeholder={t('sources.import.mappingPlaceholder')}
                  loading={presets.isPending}
                  aria-label={t('sources.import.mapping')}
                  options={(presets.data?.presets ?? []).map((p) => ({
                    value: p.name,
                    label: `${p.name} (${p.format.toUpperCase()})`,
                  }))}
                />
                {preset?.description && (
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {typeof preset.description === 'string'
                      ? preset.description
                      : (preset.description[lang] ?? preset.description.en)}
                  </Typography.Text>
                )}
              </Form.Item>
            </Col>
            <Col xs={24} md={12}>
              <Form.Item label={t('sources.import.source')}>
                <Select
                  value={sourceId ?? ''}
                  onChange={(v: string) => setSourceId(v || undefined)}
                  aria-label={t('sources.import.source')}
                  options={[
                    { value: '', label: t('sources.import.defaultSource') },
                    ...(sources.data?.sources ?? []).map((s) => ({ value: s.id, label: s.name })),
                  ]}
                />
              </Form.Item>
            </Col>
          </Row>
          <Upload.Dragger
            accept=".csv,.jsonl,.ndjson,.txt"
            multiple={false}
            maxCount={1}
            showUploadList={false}
            beforeUpload={(f) => {
              setFile(f);
              return false;
            }}
            data-testid="import-file"
          >
            <p className="ant-upload-drag-icon">
              <InboxOutlined />
            </p>
            <p className="ant-upload-text">
              {file
                ? t('sources.import.chosen', {
                    name: file.name,
                    size: formatNumber(Math.ceil(file.size / 1024)),
                  })
                : t('sources.import.drop')}
            </p>
            <p className="ant-upload-hint">{t('sources.import.dropHint')}</p>
          </Upload.Dragger>
        </Form>
      </Card>

      {preset && file && (
        <Card
          title={t('sources.import.previewTitle')}
          extra={
            preview.data && !preview.data.fatal ? (
              <Typography.Text data-testid="import-preview-summary">
                {t('sources.import.previewSummary', { ok, n: preview.data.rows.length })}
              </Typography.Text>
            ) : null
          }
        >
          {preview.error && <ErrorAlert error={preview.error} />}
          {preview.data?.fatal && (
            <Alert
              type="error"
              showIcon
              title={preview.data.fatal.code}
              description={preview.data.fatal.message}
            />
          )}
          {preview.data && !preview.data.fatal && <ImportPreviewTable preview={preview.data} />}
          {preview.isPending && <Typography.Text type="secondary">{t('app.loading')}</Typography.Text>}
          <Space style={{ marginTop: 16 }}>
            <Button
              type="primary"
              disabled={!preview.data || preview.data.fatal !== null || upload.isPending}
              loading={upload.isPending}
              onClick={() => upload.mutate({ file, preset, sourceId })}
              data-testid="import-start"
            >
              {t('sources.import.start')}
            </Button>
            {sent && (
              <Progress
                style={{ width: 320 }}
                percent={Math.min(100, Math.round((sent.sent / Math.max(1, sent.total)) * 100))}
                status="active"
                data-testid="import-progress"
              />
            )}
          </Space>
        </Card>
      )}

      {summary && (
        <Card
          title={t('sources.import.doneTitle', { name: summary.fileName ?? '' })}
          data-testid="import-summary"
        >
          <Row gutter={16}>
            <Col span={4}>
              <Statistic title={t('sources.import.records')} value={summary.records} />
            </Col>
            <Col span={4}>
              <Statistic title={t('sources.result.accepted')} value={summary.accepted} />
            </Col>
            <Col span={4}>
              <Statistic title={t('sources.result.duplicate')} value={summary.duplicates} />
            </Col>
            <Col span={4}>
              <Statistic title={t('sources.result.rejected')} value={summary.rejected} />
            </Col>
            <Col span={8}>
              <Statistic
                title={t('sources.import.speed')}
                value={t('sources.import.speedValue', {
                  seconds: summary.seconds.toFixed(1),
                  rate: formatNumber(summary.recordsPerSecond),
                })}
              />
            </Col>
          </Row>
          {summary.rejected > 0 && (
            <Space wrap style={{ marginTop: 12 }}>
              {Object.entries(summary.rejectedByCode).map(([code, n]) => (
                <Tag color="red" key={code}>
                  {code} {formatNumber(n)}
                </Tag>
              ))}
              <Button type="link" onClick={() => onOpenRejected(sourceId ?? fileSource ?? '')}>
                {t('sources.import.openRejected')}
              </Button>
            </Space>
          )}
        </Card>
      )}

      <ImportHistory />
    </Space>
  );
}
