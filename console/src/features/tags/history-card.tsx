import { useQuery } from '@tanstack/react-query';
import { Card, Empty, Segmented, Skeleton } from 'antd';
import { useMemo, useState } from 'react';
import { useI18n } from '../../i18n';
import { EChart } from '../../ui/echart';
import { ErrorAlert } from '../../ui/error-alert';
import { tagHistoryQuery } from './api';
import { historyOption } from './charts';

const RANGES = [30, 90, 365] as const;
type RangeDays = (typeof RANGES)[number];

const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);

/** A tag's distribution day by day (one snapshot per refresh day, `GET /api/v1/tags/:key/history`). */
export function HistoryCard({ tagKey }: { tagKey: string }): React.JSX.Element {
  const i18n = useI18n();
  const { t } = i18n;
  const [range, setRange] = useState<RangeDays>(90);
  // 90 days is the server's own default: the same cache entry whatever the clock says.
  const q = useQuery(tagHistoryQuery(tagKey, range === 90 ? undefined : daysAgo(range)));
  const option = useMemo(() => (q.data ? historyOption(q.data.days, i18n) : null), [q.data, i18n]);
  const title = t('tags.history');
  return (
    <Card
      title={title}
      size="small"
      data-testid="tag-history"
      extra={
        <Segmented<RangeDays>
          size="small"
          value={range}
          onChange={setRange}
          options={RANGES.map((n) => ({ value: n, label: t('tags.lastDays', { n }) }))}
        />
      }
    >
      {q.error ? (
        <ErrorAlert error={q.error} onRetry={() => void q.refetch()} />
      ) : !q.data || !option ? (
        <Skeleton active />
      ) : q.data.days.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('tags.noHistory')} />
      ) : (
        <EChart option={option} label={title} height={300} />
      )}
    </Card>
  );
}
