import { useQuery } from '@tanstack/react-query';
import { Button, Card, Col, Flex, Row, Skeleton, Tag, Typography } from 'antd';
import { navigate } from '../../app/router';
import { useI18n } from '../../i18n';
import { ErrorAlert } from '../../ui/error-alert';
import { channelsOf, journeysApi, type JourneyTemplate } from './api';
import { KIND_COLOR, kindIcon } from './step-meta';

function TemplateCard({ tpl, canUse }: { tpl: JourneyTemplate; canUse: boolean }): React.JSX.Element {
  const { t, tryT } = useI18n();
  const d = tpl.definition;
  const channels = channelsOf(d);
  const kinds = [...new Set(Object.values(d.steps).map((s) => s.kind))];
  return (
    <Card
      size="small"
      title={d.name}
      data-testid={`template-${tpl.key}`}
      style={{ height: '100%' }}
      styles={{ body: { display: 'flex', flexDirection: 'column', gap: 10, height: 'calc(100% - 40px)' } }}
      extra={<Tag>{tryT(`trigger.${d.trigger.kind}`) ?? d.trigger.kind}</Tag>}
    >
      <Typography.Paragraph
        type="secondary"
        style={{ margin: 0, minHeight: 44 }}
        ellipsis={{ rows: 2, tooltip: d.description }}
      >
        {d.description}
      </Typography.Paragraph>
      <Flex wrap gap={4} align="center">
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t('journeys.gallery.channels')}
        </Typography.Text>
        {channels.length > 0 ? (
          channels.map((c) => (
            <Tag key={c} color="blue" style={{ margin: 0 }}>
              {t(`journeys.channel.${c}`)}
            </Tag>
          ))
        ) : (
          <Typography.Text type="secondary">{t('common.none')}</Typography.Text>
        )}
      </Flex>
      <Flex wrap gap={8} style={{ fontSize: 12 }}>
        {kinds.map((k) => (
          <span key={k} style={{ color: KIND_COLOR[k] }} title={t(`journeys.kind.${k}`)}>
            {kindIcon(k)} {t(`journeys.kind.${k}`)}
          </span>
        ))}
      </Flex>
      <Flex justify="space-between" align="center" style={{ marginTop: 'auto' }}>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t('journeys.gallery.steps', { count: Object.keys(d.steps).length })}
        </Typography.Text>
        <Button
          type={canUse ? 'primary' : 'default'}
          size="small"
          onClick={() => navigate(`/journeys/new?template=${encodeURIComponent(tpl.key)}`)}
        >
          {canUse ? t('journeys.gallery.use') : t('journeys.gallery.view')}
        </Button>
      </Flex>
    </Card>
  );
}

/** The journeys Tessera ships as templates, to start a new journey from. */
export function TemplateGallery({ canUse }: { canUse: boolean }): React.JSX.Element {
  const { t } = useI18n();
  const q = useQuery({
    queryKey: ['journey-templates'],
    queryFn: ({ signal }) => journeysApi.templates(signal),
    staleTime: Infinity,
  });
  return (
    <Card title={t('journeys.gallery.title')} data-testid="journey-gallery">
      <Typography.Paragraph type="secondary">{t('journeys.gallery.hint')}</Typography.Paragraph>
      {q.error && <ErrorAlert error={q.error} onRetry={() => void q.refetch()} />}
      {q.isPending ? (
        <Skeleton active />
      ) : (
        <Row gutter={[16, 16]}>
          {(q.data?.templates ?? []).map((tpl) => (
            <Col key={tpl.key} xs={24} md={12} xl={8} xxl={6}>
              <TemplateCard tpl={tpl} canUse={canUse} />
            </Col>
          ))}
        </Row>
      )}
    </Card>
  );
}
