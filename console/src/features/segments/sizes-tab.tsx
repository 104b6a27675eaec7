import { useQuery } from '@tanstack/react-query';
import { Card, Col, Empty, Flex, Row, Statistic, Table, theme } from 'antd';
import { useMemo } from 'react';
import { useI18n } from '../../i18n';
import { EChart, type ChartOption } from '../../ui/echart';
import { ErrorAlert } from '../../ui/error-alert';
import { segmentsApi, type SegmentDetail, type SizePoint } from './api';

/** The size after each change of membership, with who entered and exited (GET /:id/sizes). */

const DAY = 86_400_000;

export function SizesTab({ segment }: { segment: SegmentDetail }): React.JSX.Element {
  const { t, tryT, formatDate, formatNumber } = useI18n();
  const { token } = theme.useToken();
  const q = useQuery({
    queryKey: ['segment', segment.id, 'sizes'],
    queryFn: ({ signal }) => segmentsApi.sizes(segment.id, signal),
  });
  const points = useMemo(() => q.data?.sizes ?? [], [q.data]);

  const option = useMemo<ChartOption>(
    () => ({
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 56, right: 56, top: 36, bottom: 32 },
      xAxis: { type: 'time' },
      yAxis: [
        { type: 'value', name: t('segments.sizes.size'), minInterval: 1 },
        { type: 'value', name: t('segments.sizes.changes'), minInterval: 1, splitLine: { show: false } },
      ],
      series: [
        {
          type: 'line',
          name: t('segments.sizes.size'),
          step: 'end',
          showSymbol: points.length < 60,
          data: points.map((p) => [p.at, p.size]),
          itemStyle: { color: token.colorPrimary },
          areaStyle: { opacity: 0.08 },
        },
        {
          type: 'bar',
          name: t('segments.sizes.entered'),
          yAxisIndex: 1,
          data: points.map((p) => [p.at, p.entered]),
          itemStyle: { color: token.colorSuccess },
          barMaxWidth: 12,
        },
        {
          type: 'bar',
          name: t('segments.sizes.exited'),
          yAxisIndex: 1,
          data: points.map((p) => [p.at, -p.exited]),
          itemStyle: { color: token.colorError },
          barMaxWidth: 12,
        },
      ],
    }),
    [points, t, token],
  );

  if (q.error) return <ErrorAlert error={q.error} onRetry={() => void q.refetch()} />;
  const last = points[points.length - 1];
  const latestAt = last ? Date.parse(last.at) : 0;
  const since = (days: number) => {
    const before = [...points].reverse().find((p) => Date.parse(p.at) <= latestAt - days * DAY);
    return last && before ? last.size - before.size : null;
  };
  const delta = (n: number | null) => (n === null ? '—' : `${n > 0 ? '+' : ''}${formatNumber(n)}`);
  const entered = points.reduce((s, p) => s + p.entered, 0);
  const exited = points.reduce((s, p) => s + p.exited, 0);

  return (
    <Flex vertical gap={16}>
      <Row gutter={[16, 16]}>
        {[
          { key: 'now', title: t('segments.sizes.now'), value: last ? formatNumber(last.size) : '—' },
          { key: '7d', title: t('segments.sizes.change7d'), value: delta(since(7)) },
          { key: '30d', title: t('segments.sizes.change30d'), value: delta(since(30)) },
          { key: 'entered', title: t('segments.sizes.enteredTotal'), value: formatNumber(entered) },
          { key: 'exited', title: t('segments.sizes.exitedTotal'), value: formatNumber(exited) },
        ].map((s) => (
          <Col key={s.key} xs={12} md={8} xl={4}>
            <Card size="small">
              <Statistic title={s.title} value={s.value} loading={q.isPending} />
            </Card>
          </Col>
        ))}
      </Row>
      <Card size="small" title={t('segments.sizes.title')}>
        {!q.isPending && points.length === 0 ? (
          <Empty description={t('segments.sizes.empty')} />
        ) : (
          <EChart option={option} height={320} label={t('segments.sizes.chart')} />
        )}
      </Card>
      <Table<SizePoint>
        size="small"
        rowKey={(p) => `${p.at}\u0000${p.cause}\u0000${p.size}`}
        loading={q.isPending}
        dataSource={[...points].reverse()}
        pagination={{ pageSize: 20, hideOnSinglePage: true, showSizeChanger: false }}
        locale={{ emptyText: t('segments.sizes.empty') }}
        columns={[
          { title: t('segments.sizes.at'), dataIndex: 'at', render: (at: string) => formatDate(at) },
          {
            title: t('segments.sizes.size'),
            dataIndex: 'size',
            align: 'right',
            render: (n: number) => formatNumber(n),
          },
          {
            title: t('segments.sizes.entered'),
            dataIndex: 'entered',
            align: 'right',
            render: (n: number) => (n > 0 ? `+${formatNumber(n)}` : '0'),
          },
          {
            title: t('segments.sizes.exited'),
            dataIndex: 'exited',
            align: 'right',
            render: (n: number) => (n > 0 ? `−${formatNumber(n)}` : '0'),
          },
          {
            title: t('segments.sizes.cause'),
            dataIndex: 'cause',
            render: (c: string) => tryT(`segments.cause.${c}`) ?? c,
          },
        ]}
      />
    </Flex>
  );
}
