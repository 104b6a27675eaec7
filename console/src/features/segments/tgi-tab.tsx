import { useQuery } from '@tanstack/react-query';
import { Card, Empty, Flex, Select, Table, Typography, theme } from 'antd';
import { useMemo, useState } from 'react';
import { useI18n } from '../../i18n';
import { EChart, type ChartOption } from '../../ui/echart';
import { ErrorAlert } from '../../ui/error-alert';
import { segmentsApi, type SegmentDetail, type TgiReport } from './api';
import { useBuilderOptions } from './builder-options';

/** The tags a TGI reads best on, when the workspace has them. */
const PREFERRED = ['lifecycle_stage', 'rfm_class', 'aov_band', 'active_time', 'preferred_channel'];

type Row = TgiReport['values'][number];

const label = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

/**
 * What sets the segment apart (GET /:id/tgi?tag=): for each value of a tag, its share among the
 * members against its share among everybody, as TGI (100 = as everybody).
 */
export function TgiTab({ segment }: { segment: SegmentDetail }): React.JSX.Element {
  const { t, formatNumber } = useI18n();
  const { token } = theme.useToken();
  const options = useBuilderOptions();
  const fallback =
    PREFERRED.find((k) => options.tags.some((x) => x.key === k)) ?? options.tags[0]?.key ?? null;
  const [picked, setPicked] = useState<string | null>(null);
  const tag = picked ?? fallback;
  const q = useQuery({
    queryKey: ['segment', segment.id, 'tgi', tag],
    queryFn: ({ signal }) => segmentsApi.tgi(segment.id, tag!, signal),
    enabled: tag !== null,
  });
  const rows = useMemo(() => q.data?.values ?? [], [q.data]);
  const pct = (n: number) => formatNumber(n, { style: 'percent', maximumFractionDigits: 1 });

  const option = useMemo<ChartOption>(() => {
    const shown = [...rows].filter((r) => r.tgi !== null).reverse();
    return {
      tooltip: { trigger: 'axis' },
      grid: { left: 16, right: 48, top: 8, bottom: 24, containLabel: true },
      xAxis: { type: 'value', name: 'TGI' },
      yAxis: { type: 'category', data: shown.map((r) => label(r.value)) },
      series: [
        {
          type: 'bar',
          name: 'TGI',
          data: shown.map((r) => ({
            value: Math.round(r.tgi!),
            itemStyle: { color: r.tgi! >= 100 ? token.colorPrimary : token.colorTextQuaternary },
          })),
          label: { show: true, position: 'right' },
          barMaxWidth: 18,
        },
      ],
    };
  }, [rows, token]);

  return (
    <Flex vertical gap={16}>
      <Flex gap={12} align="center" wrap>
        <Typography.Text>{t('segments.tgi.tag')}</Typography.Text>
        <Select<string>
          aria-label={t('segments.tgi.tag')}
          style={{ width: 360 }}
          showSearch={{ optionFilterProp: 'label' }}
          value={tag ?? undefined}
          onChange={setPicked}
          options={options.tags.map((x) => ({ value: x.key, label: x.label }))}
        />
        {q.data && (
          <Typography.Text type="secondary">
            {t('segments.tgi.against', {
              size: formatNumber(q.data.size),
              population: formatNumber(q.data.population),
            })}
          </Typography.Text>
        )}
      </Flex>
      <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
        {t('segments.tgi.intro')}
      </Typography.Paragraph>
      {q.error && <ErrorAlert error={q.error} onRetry={() => void q.refetch()} />}
      {q.data && rows.length === 0 && <Empty description={t('segments.tgi.none')} />}
      {rows.length > 0 && (
        <>
          <Card size="small">
            <EChart
              option={option}
              height={Math.max(160, rows.length * 32)}
              label={t('segments.tgi.chart')}
            />
          </Card>
          <Table<Row>
            data-testid="segment-tgi"
            size="small"
            rowKey={(r) => JSON.stringify(r.value)}
            pagination={false}
            loading={q.isFetching}
            dataSource={rows}
            columns={[
              { title: t('segments.tgi.value'), dataIndex: 'value', render: (v: unknown) => label(v) },
              {
                title: t('segments.tgi.members'),
                dataIndex: 'members',
                align: 'right',
                render: (n: number) => formatNumber(n),
              },
              { title: t('segments.tgi.memberShare'), dataIndex: 'memberShare', align: 'right', render: pct },
              {
                title: t('segments.tgi.populationShare'),
                dataIndex: 'populationShare',
                align: 'right',
                render: pct,
              },
              {
                title: 'TGI',
                dataIndex: 'tgi',
                align: 'right',
                render: (v: number | null) =>
                  v === null ? (
                    '—'
                  ) : (
                    <Typography.Text
                      strong={v >= 120}
                      type={v < 80 ? 'secondary' : undefined}
                      data-tgi={Math.round(v)}
                    >
                      {formatNumber(v, { maximumFractionDigits: 0 })}
                    </Typography.Text>
                  ),
              },
            ]}
          />
        </>
      )}
    </Flex>
  );
}
