import { useQuery } from '@tanstack/react-query';
import { Card, Col, Empty, Flex, Row, Select, Statistic, Tooltip, Typography, theme } from 'antd';
import { useState } from 'react';
import { useI18n } from '../../i18n';
import { ErrorAlert } from '../../ui/error-alert';
import { segmentsApi, type SegmentDetail } from './api';

/** How this segment and another overlap: both, only each, union, Jaccard (GET /:id/overlap/:other). */
export function OverlapTab({ segment }: { segment: SegmentDetail }): React.JSX.Element {
  const { t, formatNumber } = useI18n();
  const { token } = theme.useToken();
  const list = useQuery({ queryKey: ['segments'], queryFn: ({ signal }) => segmentsApi.list(signal) });
  const others = (list.data?.segments ?? []).filter((s) => s.id !== segment.id);
  const [other, setOther] = useState<string | null>(null);
  const q = useQuery({
    queryKey: ['segment', segment.id, 'overlap', other],
    queryFn: ({ signal }) => segmentsApi.overlap(segment.id, other!, signal),
    enabled: other !== null,
  });
  const otherName = others.find((s) => s.id === other)?.name ?? other ?? '';
  const o = q.data;
  const pct = (n: number, of: number) =>
    of === 0 ? '—' : formatNumber(n / of, { style: 'percent', maximumFractionDigits: 1 });

  return (
    <Flex vertical gap={16}>
      <Flex gap={12} align="center" wrap>
        <Typography.Text>{t('segments.overlap.with')}</Typography.Text>
        <Select<string>
          aria-label={t('segments.overlap.with')}
          style={{ width: 360 }}
          showSearch={{ optionFilterProp: 'label' }}
          loading={list.isPending}
          value={other ?? undefined}
          placeholder={t('segments.overlap.pick')}
          onChange={setOther}
          options={others.map((s) => ({
            value: s.id,
            label: `${s.name} (${s.size === null ? '—' : formatNumber(s.size)})`,
          }))}
        />
      </Flex>
      {list.error && <ErrorAlert error={list.error} onRetry={() => void list.refetch()} />}
      {q.error && <ErrorAlert error={q.error} onRetry={() => void q.refetch()} />}
      {other === null && <Empty description={t('segments.overlap.none')} />}
      {o && (
        <Flex vertical gap={16} data-testid="segment-overlap">
          <Row gutter={[16, 16]}>
            {[
              { key: 'both', title: t('segments.overlap.both'), value: formatNumber(o.both) },
              {
                key: 'a',
                title: t('segments.overlap.only', { name: segment.name }),
                value: formatNumber(o.a.only),
              },
              {
                key: 'b',
                title: t('segments.overlap.only', { name: otherName }),
                value: formatNumber(o.b.only),
              },
              { key: 'union', title: t('segments.overlap.union'), value: formatNumber(o.union) },
              {
                key: 'jaccard',
                title: t('segments.overlap.jaccard'),
                value: formatNumber(o.jaccard, { style: 'percent', maximumFractionDigits: 1 }),
              },
            ].map((s) => (
              <Col key={s.key} xs={12} md={8} xl={4}>
                <Card size="small">
                  <Statistic title={s.title} value={s.value} />
                </Card>
              </Col>
            ))}
          </Row>
          <Card size="small" title={t('segments.overlap.picture')}>
            {o.union === 0 ? (
              <Typography.Text type="secondary">{t('segments.overlap.bothEmpty')}</Typography.Text>
            ) : (
              <Flex vertical gap={8}>
                <div
                  role="img"
                  aria-label={t('segments.overlap.picture')}
                  style={{ display: 'flex', height: 28, borderRadius: 6, overflow: 'hidden' }}
                >
                  {[
                    { n: o.a.only, colour: token.colorPrimary, label: segment.name },
                    { n: o.both, colour: token.colorWarning, label: t('segments.overlap.both') },
                    { n: o.b.only, colour: token.colorSuccess, label: otherName },
                  ].map((part) =>
                    part.n === 0 ? null : (
                      <Tooltip key={part.label} title={`${part.label}: ${formatNumber(part.n)}`}>
                        <div style={{ width: `${(part.n / o.union) * 100}%`, background: part.colour }} />
                      </Tooltip>
                    ),
                  )}
                </div>
                <Typography.Text type="secondary">
                  {t('segments.overlap.shares', {
                    a: segment.name,
                    b: otherName,
                    ofA: pct(o.both, o.a.size),
                    ofB: pct(o.both, o.b.size),
                  })}
                </Typography.Text>
              </Flex>
            )}
          </Card>
        </Flex>
      )}
    </Flex>
  );
}
