import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Alert, Card, Flex, Progress, Spin, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { ApiError } from '../../api';
import { roleAllows } from '../../api-types';
import { Link } from '../../app/router';
import { useUser } from '../../app/session';
import { useI18n } from '../../i18n';
import { ErrorAlert } from '../../ui/error-alert';
import { segmentsApi, type Preview } from './api';
import type { ServerIssue } from './builder';

/**
 * The live count: the condition is sent to `POST /api/v1/segments/preview` half a second after
 * the last change, and only when the builder finds nothing missing. The count's element carries
 * the condition it is for (`data-for`) and whether it is current (`data-state`).
 */

const SAMPLE = 20;

export function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setV(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return v;
}

export interface LivePreview {
  data: Preview | undefined;
  /** The condition (JSON text) the shown answer is for. */
  forJson: string | null;
  fetching: boolean;
  error: unknown;
  /** A 422's issues, to show beside the nodes. */
  issues: ServerIssue[];
  /** The latest condition is what the answer is for. */
  current: boolean;
}

export function useLivePreview(json: string, valid: boolean): LivePreview {
  const debounced = useDebounced(json, 500);
  const q = useQuery({
    queryKey: ['segment-preview', debounced],
    queryFn: async ({ signal }) => ({
      json: debounced,
      answer: await segmentsApi.preview(JSON.parse(debounced), SAMPLE, signal),
    }),
    enabled: valid && debounced === json,
    placeholderData: keepPreviousData,
    staleTime: 15_000,
    retry: false,
  });
  const err = q.error;
  const issues =
    err instanceof ApiError && err.status === 422 && Array.isArray(err.details)
      ? (err.details as ServerIssue[])
      : [];
  const forJson = q.data?.json ?? null;
  return {
    data: q.data?.answer,
    forJson,
    fetching: q.isFetching || (valid && debounced !== json),
    error: err,
    issues,
    current: valid && !q.isFetching && !q.isPlaceholderData && !err && forJson === json,
  };
}

export function PreviewCard({
  preview,
  localIssues,
}: {
  preview: LivePreview;
  localIssues: number;
}): React.JSX.Element {
  const { t, formatNumber } = useI18n();
  const user = useUser();
  const total = useQuery({
    queryKey: ['segment-preview-total'],
    queryFn: ({ signal }) => segmentsApi.preview({ all: [] }, 0, signal),
    staleTime: 60_000,
  });
  const { data } = preview;
  const state = localIssues > 0 ? 'invalid' : preview.current ? 'ready' : preview.error ? 'error' : 'loading';
  const share = data && total.data && total.data.count > 0 ? data.count / total.data.count : null;
  const canOpenPeople = roleAllows(user.role, 'analyst');
  return (
    <Card
      title={t('segments.preview.title')}
      extra={preview.fetching ? <Spin size="small" /> : null}
      data-testid="segment-preview"
    >
      <Flex vertical gap={12}>
        <div style={{ opacity: state === 'ready' ? 1 : 0.5 }}>
          <Typography.Text type="secondary">{t('segments.preview.count')}</Typography.Text>
          <div style={{ fontSize: 36, fontWeight: 600, lineHeight: 1.2 }}>
            <span data-testid="segment-preview-count" data-state={state} data-for={preview.forJson ?? ''}>
              {data ? formatNumber(data.count) : '—'}
            </span>
          </div>
          {share !== null && total.data && (
            <>
              <Progress percent={Math.round(share * 1000) / 10} size="small" showInfo={false} />
              <Typography.Text type="secondary">
                {t('segments.preview.share', {
                  share: formatNumber(share, { style: 'percent', maximumFractionDigits: 1 }),
                  total: formatNumber(total.data.count),
                })}
              </Typography.Text>
            </>
          )}
          {data && (
            <div>
              <Typography.Text type="secondary" style={{ fontSize: 12 }} data-testid="segment-preview-millis">
                {t('segments.preview.millis', { ms: formatNumber(data.millis) })}
              </Typography.Text>
            </div>
          )}
        </div>
        {localIssues > 0 && (
          <Alert type="warning" showIcon title={t('segments.preview.incomplete', { n: localIssues })} />
        )}
        {preview.error !== null && localIssues === 0 && <ErrorAlert error={preview.error} />}
        {data && data.sample.length > 0 && (
          <div data-testid="segment-preview-sample">
            <Typography.Text strong>{t('segments.preview.sample')}</Typography.Text>
            <Flex vertical gap={2} style={{ marginTop: 4 }}>
              {data.sample.slice(0, 10).map((s) =>
                canOpenPeople ? (
                  <Link
                    key={s.profileId}
                    to={`/people/${s.profileId}`}
                    style={{ fontFamily: 'monospace', fontSize: 12 }}
                  >
                    {s.profileId}
                  </Link>
                ) : (
                  <Typography.Text key={s.profileId} code style={{ fontSize: 12 }}>
                    {s.profileId}
                  </Typography.Text>
                ),
              )}
            </Flex>
          </div>
        )}
      </Flex>
    </Card>
  );
}
