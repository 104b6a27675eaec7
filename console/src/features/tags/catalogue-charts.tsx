import { Card, Col, Empty, Row, Segmented, Select, Space } from 'antd';
import { useMemo, useState } from 'react';
import { useI18n } from '../../i18n';
import { EChart } from '../../ui/echart';
import type { TagDetail, TagInfo } from './api';
import { coverageOption, distributionOption, summaryOption } from './charts';
import { tagName } from './templates';

const CHART_HEIGHT = 300;

/** Coverage of the shown tags, and the value distribution of one of them. */
export function CatalogueCharts({
  tags,
  details,
}: {
  tags: readonly TagInfo[];
  details: ReadonlyMap<string, TagDetail>;
}): React.JSX.Element {
  const i18n = useI18n();
  const { t, lang } = i18n;
  const [picked, setPicked] = useState<string | null>(null);
  const [kind, setKind] = useState<'bar' | 'pie'>('pie');

  const withStats = useMemo(() => tags.filter((x) => details.get(x.key)?.stats), [tags, details]);
  const coverage = useMemo(
    () =>
      coverageOption(
        withStats.map((x) => ({ name: tagName(x, lang), coverage: details.get(x.key)!.stats!.coverage })),
        i18n,
      ),
    [withStats, details, lang, i18n],
  );
  const candidates = withStats.filter((x) => {
    const s = details.get(x.key)!.stats!;
    return s.values.length > 0 || s.summary !== null;
  });
  const current =
    candidates.find((x) => x.key === picked) ??
    candidates.find((x) => x.key === 'lifecycle_stage') ??
    candidates[0];
  const stats = current ? details.get(current.key)?.stats : undefined;
  const numeric = stats ? stats.values.length === 0 && stats.summary !== null : false;
  const distribution = useMemo(
    () =>
      stats
        ? numeric && stats.summary
          ? summaryOption(stats.summary, i18n)
          : distributionOption(stats.values, i18n, kind)
        : null,
    [stats, numeric, kind, i18n],
  );
  const coverageTitle = t('tags.coverageChart');
  const distributionTitle = current
    ? t('tags.distributionOf', { name: tagName(current, lang) })
    : t('tags.distribution');

  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} lg={12}>
        <Card title={coverageTitle} size="small">
          {withStats.length === 0 ? (
            <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('tags.noStats')} />
          ) : (
            <EChart
              option={coverage}
              label={coverageTitle}
              height={Math.max(CHART_HEIGHT, withStats.length * 24)}
            />
          )}
        </Card>
      </Col>
      <Col xs={24} lg={12}>
        <Card
          title={distributionTitle}
          size="small"
          extra={
            <Space>
              <Select
                size="small"
                style={{ width: 200 }}
                value={current?.key}
                onChange={setPicked}
                aria-label={t('tags.pickTag')}
                options={candidates.map((x) => ({ value: x.key, label: tagName(x, lang) }))}
              />
              {!numeric && (
                <Segmented<'bar' | 'pie'>
                  size="small"
                  value={kind}
                  onChange={setKind}
                  options={[
                    { value: 'pie', label: t('tags.chart.pie') },
                    { value: 'bar', label: t('tags.chart.bar') },
                  ]}
                />
              )}
            </Space>
          }
        >
          {distribution ? (
            <EChart
              option={distribution}
              label={distributionTitle}
              height={Math.max(CHART_HEIGHT, withStats.length * 24)}
            />
          ) : (
            <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('tags.noStats')} />
          )}
        </Card>
      </Col>
    </Row>
  );
}
