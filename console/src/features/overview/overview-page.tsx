import { ReloadOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Button, Card, Col, Empty, Row, Skeleton, Statistic, Table, Tag, Typography } from 'antd';
import { useMemo } from 'react';
import { overviewQuery } from '../../queries';
import type { Overview, OverviewSource, ValueCount } from '../../api-types';
import { useI18n, type I18n } from '../../i18n';
import { EChart, type ChartOption } from '../../ui/echart';
import { ErrorAlert } from '../../ui/error-alert';
import { Page } from '../../ui/page';
import { SourceStatus } from '../sources/source-status';

/** The built-in lifecycle stages in their natural order (DESIGN.md, built-in tags). */
const LIFECYCLE_ORDER = ['潜客', '新客', '活跃', '沉睡', '流失'];
/** The eight classic RFM classes, important ones first. */
const RFM_ORDER = [
  '重要价值客户',
  '重要发展客户',
  '重要保持客户',
  '重要挽留客户',
  '一般价值客户',
  '一般发展客户',
  '一般保持客户',
  '一般挽留客户',
];
const LIFECYCLE_COLORS = ['#bfbfbf', '#69b1ff', '#52c41a', '#faad14', '#ff4d4f'];

const ordered = (rows: ValueCount[], order: string[]): ValueCount[] => {
  const rank = (v: ValueCount['value']) => {
    const i = order.indexOf(String(v));
    return i < 0 ? order.length : i;
  };
  return [...rows].sort((a, b) => rank(a.value) - rank(b.value) || b.profiles - a.profiles);
};

const label = (i18n: I18n, prefix: 'lifecycle' | 'rfm', v: ValueCount['value']): string =>
  i18n.tryT(`${prefix}.${String(v)}`) ?? String(v);

function lifecycleOption(rows: ValueCount[], i18n: I18n): ChartOption {
  const data = ordered(rows, LIFECYCLE_ORDER);
  return {
    tooltip: { trigger: 'axis' },
    grid: { left: 48, right: 16, top: 16, bottom: 32 },
    xAxis: {
      type: 'category',
      data: data.map((r) => label(i18n, 'lifecycle', r.value)),
    },
    yAxis: { type: 'value', minInterval: 1 },
    series: [
      {
        type: 'bar',
        name: i18n.t('overview.profiles'),
        data: data.map((r) => ({
          value: r.profiles,
          itemStyle: { color: LIFECYCLE_COLORS[LIFECYCLE_ORDER.indexOf(String(r.value))] ?? '#8c8c8c' },
        })),
        barMaxWidth: 48,
      },
    ],
  };
}

function rfmOption(rows: ValueCount[], i18n: I18n): ChartOption {
  const data = ordered(rows, RFM_ORDER).reverse();
  return {
    tooltip: { trigger: 'axis' },
    grid: { left: 8, right: 24, top: 8, bottom: 24, containLabel: true },
    xAxis: { type: 'value', minInterval: 1 },
    yAxis: { type: 'category', data: data.map((r) => label(i18n, 'rfm', r.value)) },
    series: [
      {
        type: 'bar',
        name: i18n.t('overview.profiles'),
        data: data.map((r) => r.profiles),
        itemStyle: { color: '#3f51b5' },
        barMaxWidth: 24,
      },
    ],
  };
}

function eventsOption(days: Overview['events7d'], i18n: I18n): ChartOption {
  return {
    tooltip: { trigger: 'axis' },
    grid: { left: 48, right: 16, top: 16, bottom: 32 },
    xAxis: { type: 'category', data: days.map((d) => d.day.slice(5, 10)) },
    yAxis: { type: 'value', minInterval: 1 },
    series: [
      {
        type: 'line',
        name: i18n.t('overview.events7d'),
        data: days.map((d) => d.events),
        areaStyle: { opacity: 0.15 },
      },
    ],
  };
}

const HEALTHY = new Set(['enabled', 'healthy', 'ok']);
/** Receiving and rejecting nothing today; a source with rejections needs a look. */
const isHealthy = (s: OverviewSource) => HEALTHY.has(s.status) && s.rejectedToday === 0;

function Distribution({
  title,
  rows,
  option,
}: {
  title: string;
  rows: ValueCount[];
  option: ChartOption;
}): React.JSX.Element {
  const { t } = useI18n();
  return (
    <Card title={title}>
      {rows.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('overview.noTagValues')} />
      ) : (
        <EChart option={option} label={title} />
      )}
    </Card>
  );
}

export default function OverviewPage(): React.JSX.Element {
  const i18n = useI18n();
  const { t, formatNumber, formatDate } = i18n;
  const q = useQuery(overviewQuery);
  const data = q.data;

  const charts = useMemo(
    () =>
      data
        ? {
            lifecycle: lifecycleOption(data.lifecycle, i18n),
            rfm: rfmOption(data.rfm, i18n),
            events: eventsOption(data.events7d, i18n),
          }
        : null,
    [data, i18n],
  );

  const refresh = (
    <Button icon={<ReloadOutlined />} onClick={() => void q.refetch()} loading={q.isFetching}>
      {t('common.refresh')}
    </Button>
  );

  if (q.error) {
    return (
      <Page title={t('overview.title')} extra={refresh}>
        <ErrorAlert error={q.error} onRetry={() => void q.refetch()} />
      </Page>
    );
  }
  if (!data || !charts) {
    return (
      <Page title={t('overview.title')}>
        <Skeleton active paragraph={{ rows: 8 }} />
      </Page>
    );
  }

  const share = data.people > 0 ? data.identified / data.people : 0;
  const healthy = data.sources.filter(isHealthy).length;

  return (
    <Page title={t('overview.title')} extra={refresh}>
      <Row gutter={[16, 16]}>
        <Col xs={24} sm={12} xl={6}>
          <Card data-testid="overview-people">
            <Statistic title={t('overview.people')} value={formatNumber(data.people)} />
          </Card>
        </Col>
        <Col xs={24} sm={12} xl={6}>
          <Card data-testid="overview-identified">
            <Statistic
              title={t('overview.identified')}
              value={formatNumber(share, { style: 'percent', maximumFractionDigits: 1 })}
            />
            <Typography.Text type="secondary">
              {t('overview.identifiedDetail', { identified: formatNumber(data.identified) })}
            </Typography.Text>
          </Card>
        </Col>
        <Col xs={24} sm={12} xl={6}>
          <Card data-testid="overview-events-today">
            <Statistic title={t('overview.eventsToday')} value={formatNumber(data.eventsToday)} />
          </Card>
        </Col>
        <Col xs={24} sm={12} xl={6}>
          <Card data-testid="overview-sources">
            <Statistic title={t('overview.sources')} value={formatNumber(data.sources.length)} />
            <Typography.Text type={healthy < data.sources.length ? 'warning' : 'secondary'}>
              {t('overview.sourcesHealthy', { ok: healthy, total: data.sources.length })}
            </Typography.Text>
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Distribution title={t('overview.lifecycle')} rows={data.lifecycle} option={charts.lifecycle} />
        </Col>
        <Col xs={24} lg={12}>
          <Distribution title={t('overview.rfm')} rows={data.rfm} option={charts.rfm} />
        </Col>
        <Col xs={24} lg={12}>
          <Card title={t('overview.events7d')}>
            <EChart option={charts.events} label={t('overview.events7d')} />
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card title={t('overview.sourcesTable')}>
            <Table<OverviewSource>
              size="small"
              rowKey="id"
              pagination={false}
              dataSource={data.sources}
              locale={{ emptyText: t('common.empty') }}
              columns={[
                { title: t('common.name'), dataIndex: 'name' },
                {
                  title: t('common.status'),
                  dataIndex: 'status',
                  render: (s: string) => <SourceStatus status={s} />,
                },
                {
                  title: t('overview.eventsToday'),
                  dataIndex: 'eventsToday',
                  align: 'right',
                  render: (n: number) => formatNumber(n),
                },
                {
                  title: t('overview.rejectedToday'),
                  dataIndex: 'rejectedToday',
                  align: 'right',
                  render: (n: number) => (n > 0 ? <Tag color="red">{formatNumber(n)}</Tag> : 0),
                },
                {
                  title: t('overview.lastEvent'),
                  dataIndex: 'lastEventAt',
                  render: (at: string | null) => (at ? formatDate(at) : t('common.never')),
                },
              ]}
            />
          </Card>
        </Col>
      </Row>
    </Page>
  );
}
