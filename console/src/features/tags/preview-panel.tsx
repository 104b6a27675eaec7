import { Alert, Card, Col, Collapse, Row, Statistic, Table, Typography } from 'antd';
import { useMemo } from 'react';
import { Link } from '../../app/router';
import { useI18n } from '../../i18n';
import { EChart } from '../../ui/echart';
import { ErrorAlert } from '../../ui/error-alert';
import type { PreviewResult, ValueCount } from './api';
import { distributionOption, orderValues, valueLabel } from './charts';

interface Row {
  key: string;
  value: unknown;
  preview: number;
  current: number | null;
}

/**
 * What a definition would produce (`POST /api/v1/tags/preview`, nothing stored): coverage on the
 * sample, the value counts beside the stored ones, a chart and some sample profiles; or the
 * server's validation issues.
 */
export function PreviewPanel({
  result,
  error,
  current,
}: {
  result: PreviewResult | undefined;
  error: unknown;
  /** The stored distribution, to compare with. */
  current?: readonly ValueCount[];
}): React.JSX.Element | null {
  const i18n = useI18n();
  const { t, formatNumber } = i18n;
  const option = useMemo(
    () => (result ? distributionOption(result.values, i18n, 'bar') : null),
    [result, i18n],
  );
  if (error) return <ErrorAlert error={error} />;
  if (!result || !option) return null;

  const rows: Row[] = orderValues(result.values).map((v) => ({
    key: JSON.stringify(v.value),
    value: v.value,
    preview: v.profiles,
    current:
      current?.find((c) => JSON.stringify(c.value) === JSON.stringify(v.value))?.profiles ??
      (current ? 0 : null),
  }));
  const pct = (n: number) => formatNumber(n, { style: 'percent', maximumFractionDigits: 1 });
  const title = t('tags.previewTitle');

  return (
    <Card size="small" title={title} data-testid="tag-preview">
      <Row gutter={[16, 16]}>
        <Col xs={8}>
          <Statistic title={t('tags.sampled')} value={formatNumber(result.sampled)} />
        </Col>
        <Col xs={8}>
          <Statistic title={t('tags.valued')} value={formatNumber(result.valued)} />
        </Col>
        <Col xs={8}>
          <Statistic title={t('tags.coverage')} value={pct(result.coverage)} data-testid="preview-coverage" />
        </Col>
        {result.values.length === 0 ? (
          <Col xs={24}>
            <Alert type="warning" showIcon title={t('tags.previewNoValues')} />
          </Col>
        ) : (
          <>
            <Col xs={24} lg={12}>
              <EChart option={option} label={title} height={260} />
            </Col>
            <Col xs={24} lg={12}>
              <Table<Row>
                size="small"
                rowKey="key"
                data-testid="preview-values"
                pagination={false}
                scroll={{ y: 240 }}
                dataSource={rows}
                onRow={(r) => ({ 'data-value': r.key }) as React.HTMLAttributes<HTMLElement>}
                columns={[
                  { title: t('tags.value'), render: (_, r) => valueLabel(i18n, r.value) },
                  {
                    title: t('tags.previewProfiles'),
                    dataIndex: 'preview',
                    align: 'right',
                    className: 'preview-profiles',
                    render: (n: number) => formatNumber(n),
                  },
                  ...(current
                    ? [
                        {
                          title: t('tags.currentProfiles'),
                          dataIndex: 'current',
                          align: 'right' as const,
                          render: (n: number | null, r: Row) => {
                            if (n === null) return '—';
                            const d = r.preview - n;
                            return (
                              <>
                                {formatNumber(n)}
                                {d !== 0 && (
                                  <Typography.Text
                                    type={d > 0 ? 'success' : 'danger'}
                                    style={{ marginLeft: 6 }}
                                  >
                                    {d > 0 ? '+' : ''}
                                    {formatNumber(d)}
                                  </Typography.Text>
                                )}
                              </>
                            );
                          },
                        },
                      ]
                    : []),
                ]}
              />
            </Col>
          </>
        )}
      </Row>
      {result.sample.length > 0 && (
        <Collapse
          ghost
          size="small"
          items={[
            {
              key: 'sample',
              label: t('tags.sampleProfiles', { count: result.sample.length }),
              children: (
                <Table
                  size="small"
                  rowKey="profileId"
                  pagination={false}
                  dataSource={result.sample}
                  columns={[
                    {
                      title: t('tags.profile'),
                      dataIndex: 'profileId',
                      render: (id: string) => (
                        <Link to={`/people/${id}`}>
                          <Typography.Text code>{id}</Typography.Text>
                        </Link>
                      ),
                    },
                    {
                      title: t('tags.value'),
                      dataIndex: 'value',
                      render: (v: unknown) => valueLabel(i18n, v),
                    },
                  ]}
                />
              ),
            },
          ]}
        />
      )}
    </Card>
  );
}
