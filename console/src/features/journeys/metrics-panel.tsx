import { CheckCircleFilled, MinusCircleOutlined } from '@ant-design/icons';
import { Card, Col, Empty, Flex, Row, Statistic, Table, Tag, Tooltip, Typography } from 'antd';
import { useI18n } from '../../i18n';
import type { GroupMetrics, JourneyMetrics, ProportionTest } from './api';

/**
 * A journey's numbers around the canvas: the totals in the header, and the experiment results:
 * each A/B variant against the control (or the first variant), and the global holdout against
 * everyone treated, each with the two-proportion z-test the server ran (src/journeys/stats.ts).
 */

const ALPHA = 0.05;

export function JourneyTotals({ m }: { m: JourneyMetrics }): React.JSX.Element {
  const { t, tryT, formatNumber } = useI18n();
  const exits = Object.entries(m.exits);
  const rate = m.entered ? m.converted / m.entered : 0;
  const items: Array<[string, string, string]> = [
    ['entered', formatNumber(m.entered), t('journeys.stat.entered')],
    ['active', formatNumber(m.active + m.waiting), t('journeys.active')],
    ['waiting', formatNumber(m.waiting), t('journeys.waiting')],
    ['exited', formatNumber(m.exited), t('journeys.stat.exited')],
    [
      'converted',
      `${formatNumber(m.converted)} (${formatNumber(rate, { style: 'percent', maximumFractionDigits: 1 })})`,
      t('journeys.stat.converted'),
    ],
    ['revenue', formatNumber(m.revenue, { maximumFractionDigits: 2 }), t('journeys.stat.revenue')],
  ];
  return (
    <Card size="small" data-testid="journey-totals">
      <Row gutter={16}>
        {items.map(([key, value, title]) => (
          <Col key={key} xs={12} md={8} lg={4}>
            <Tooltip
              title={
                key === 'exited' && exits.length > 0 ? (
                  <>
                    <div>{t('journeys.stat.exits')}</div>
                    {exits.map(([reason, count]) => (
                      <div key={reason}>
                        {tryT(`journeys.exitReason.${reason}`) ?? reason}: {formatNumber(count)}
                      </div>
                    ))}
                  </>
                ) : undefined
              }
            >
              <Statistic title={title} value={value} data-testid={`journey-stat-${key}`} />
            </Tooltip>
          </Col>
        ))}
      </Row>
    </Card>
  );
}

function useFormats() {
  const { formatNumber } = useI18n();
  const pct = (x: number, digits = 1) => formatNumber(x, { style: 'percent', maximumFractionDigits: digits });
  const signed = (x: number) => `${x > 0 ? '+' : ''}${pct(x, 2)}`;
  return { pct, signed, formatNumber };
}

function Significance({ test }: { test: ProportionTest }): React.JSX.Element {
  const { t } = useI18n();
  if (test.pValue === null) return <Tag>{t('journeys.ab.noTest')}</Tag>;
  return test.pValue < ALPHA ? (
    <Tag
      icon={<CheckCircleFilled />}
      color={test.difference > 0 ? 'green' : 'red'}
      data-testid="ab-significant"
    >
      {t('journeys.ab.significant')}
    </Tag>
  ) : (
    <Tag icon={<MinusCircleOutlined />}>{t('journeys.ab.notSignificant')}</Tag>
  );
}

interface ResultRow {
  key: string;
  group: GroupMetrics;
  baseline: boolean;
  test: ProportionTest | null;
}

function ComparisonTable({ rows, testId }: { rows: ResultRow[]; testId: string }): React.JSX.Element {
  const { t } = useI18n();
  const { pct, signed, formatNumber } = useFormats();
  return (
    <Table<ResultRow>
      size="small"
      rowKey="key"
      pagination={false}
      dataSource={rows}
      data-testid={testId}
      columns={[
        {
          title: t('journeys.ab.group'),
          render: (_, r) => (
            <Flex gap={6} align="center">
              <Typography.Text strong>
                {r.group.name === 'control' ? t('journeys.ab.controlGroup') : r.group.name}
              </Typography.Text>
              {r.baseline && <Tag>{t('journeys.ab.baseline')}</Tag>}
            </Flex>
          ),
        },
        {
          title: t('journeys.stat.entered'),
          align: 'right',
          render: (_, r) => formatNumber(r.group.entered),
        },
        {
          title: t('journeys.stat.converted'),
          align: 'right',
          render: (_, r) => formatNumber(r.group.converted),
        },
        {
          title: t('journeys.ab.rate'),
          align: 'right',
          render: (_, r) => (
            <span data-testid={`ab-rate-${r.group.name}`}>{pct(r.group.conversionRate)}</span>
          ),
        },
        {
          title: t('journeys.ab.revenuePerProfile'),
          align: 'right',
          render: (_, r) => formatNumber(r.group.revenuePerProfile, { maximumFractionDigits: 2 }),
        },
        {
          title: t('journeys.ab.lift'),
          align: 'right',
          render: (_, r) =>
            r.test ? (
              <Tooltip title={t('journeys.ab.difference', { d: signed(r.test.difference) })}>
                {r.test.relativeLift === null ? '—' : signed(r.test.relativeLift)}
              </Tooltip>
            ) : (
              '—'
            ),
        },
        {
          title: t('journeys.ab.pValue'),
          align: 'right',
          render: (_, r) =>
            r.test?.pValue === null || r.test === null
              ? '—'
              : formatNumber(r.test.pValue, { maximumFractionDigits: 4 }),
        },
        {
          title: t('journeys.ab.interval'),
          align: 'right',
          render: (_, r) =>
            r.test?.interval ? `[${signed(r.test.interval[0])}, ${signed(r.test.interval[1])}]` : '—',
        },
        { title: '', render: (_, r) => (r.test ? <Significance test={r.test} /> : null) },
      ]}
    />
  );
}

/** The A/B variants against their baseline, and the holdout against the treated. */
export function ExperimentResults({ m }: { m: JourneyMetrics }): React.JSX.Element | null {
  const { t } = useI18n();
  const hasAb = m.variants.length > 0;
  if (!hasAb && !m.holdout) return null;
  const baselineName = m.variantTests[0]?.baseline ?? m.variants[0]?.name;
  const baselineLabel = baselineName === 'control' ? t('journeys.ab.controlGroup') : baselineName;
  const abRows: ResultRow[] = m.variants.map((g) => ({
    key: g.name,
    group: g,
    baseline: g.name === baselineName,
    test: m.variantTests.find((x) => x.variant === g.name)?.test ?? null,
  }));
  // Baseline first, the variants after it.
  abRows.sort((a, b) => Number(b.baseline) - Number(a.baseline));
  return (
    <Row gutter={[16, 16]}>
      <Col span={24}>
        <Card size="small" title={t('journeys.ab.title')} data-testid="journey-ab">
          {hasAb ? (
            <>
              <ComparisonTable rows={abRows} testId="ab-table" />
              <Typography.Paragraph type="secondary" style={{ fontSize: 12, marginTop: 8, marginBottom: 0 }}>
                {t('journeys.ab.note', { baseline: baselineLabel ?? '—' })}
              </Typography.Paragraph>
            </>
          ) : (
            <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('journeys.ab.none')} />
          )}
        </Card>
      </Col>
      {m.holdout && (
        <Col span={24}>
          <Card size="small" title={t('journeys.holdout.title')} data-testid="journey-holdout">
            <ComparisonTable
              testId="holdout-table"
              rows={[
                {
                  key: 'holdout',
                  group: { ...m.holdout.holdout, name: t('journeys.holdout.holdout') },
                  baseline: true,
                  test: null,
                },
                {
                  key: 'treated',
                  group: { ...m.holdout.treated, name: t('journeys.holdout.treated') },
                  baseline: false,
                  test: m.holdout.test,
                },
              ]}
            />
            <Typography.Paragraph type="secondary" style={{ fontSize: 12, marginTop: 8, marginBottom: 0 }}>
              {t('journeys.holdout.note')}
            </Typography.Paragraph>
          </Card>
        </Col>
      )}
    </Row>
  );
}
