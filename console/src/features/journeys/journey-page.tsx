import { useQuery } from '@tanstack/react-query';
import { ReactFlowProvider } from '@xyflow/react';
import { Flex, Spin } from 'antd';
import { isNotFound } from '../../api';
import { Link, useLocation } from '../../app/router';
import type { PageProps } from '../../app/routes';
import { useI18n } from '../../i18n';
import { ErrorAlert } from '../../ui/error-alert';
import { Problem } from '../../ui/problem';
import { journeysApi, type JourneyDefinition } from './api';
import { JourneyEditor } from './journey-editor';

const Loading = () => (
  <Flex justify="center" style={{ padding: 48 }}>
    <Spin />
  </Flex>
);

/** `/journeys/new` (optionally `?template=<key>`) opens the canvas on a draft; `/journeys/:id` on a saved journey. */
export default function JourneyPage({ params }: PageProps): React.JSX.Element {
  const id = params.id ?? 'new';
  const { search } = useLocation();
  const template = search.get('template');
  const isNew = id === 'new';
  const { t } = useI18n();

  const journey = useQuery({
    queryKey: ['journey', id],
    queryFn: ({ signal }) => journeysApi.get(id, signal),
    enabled: !isNew,
  });
  // The canvas layout is not the journey: if it cannot be read, the canvas lays the journey out.
  const layout = useQuery({
    queryKey: ['journey', id, 'layout'],
    queryFn: ({ signal }) => journeysApi.layout(id, signal),
    enabled: !isNew,
    retry: 1,
  });
  const templates = useQuery({
    queryKey: ['journey-templates'],
    queryFn: ({ signal }) => journeysApi.templates(signal),
    enabled: isNew && template !== null,
    staleTime: Infinity,
  });

  if (!isNew) {
    if (journey.isPending || layout.isPending) return <Loading />;
    if (journey.error)
      return isNotFound(journey.error) ? (
        <Problem
          kind="missing"
          title={t('journeys.notFound', { id })}
          extra={<Link to="/journeys">{t('journeys.back')}</Link>}
        />
      ) : (
        <ErrorAlert error={journey.error} onRetry={() => void journey.refetch()} />
      );
    return (
      <ReactFlowProvider key={id}>
        <JourneyEditor
          journey={journey.data}
          initial={journey.data.definition}
          positions={layout.data?.positions ?? {}}
        />
      </ReactFlowProvider>
    );
  }

  let initial: JourneyDefinition;
  if (template !== null) {
    if (templates.isPending) return <Loading />;
    if (templates.error)
      return <ErrorAlert error={templates.error} onRetry={() => void templates.refetch()} />;
    const found = templates.data.templates.find((x) => x.key === template);
    if (!found)
      return (
        <Problem
          kind="missing"
          title={t('journeys.templateNotFound', { key: template })}
          extra={<Link to="/journeys">{t('journeys.back')}</Link>}
        />
      );
    initial = structuredClone(found.definition);
  } else {
    initial = {
      name: t('journeys.untitled'),
      description: '',
      trigger: { kind: 'event', event: '' },
      entry: { reentry: 'after_exit' },
      start: '',
      steps: {},
    };
  }
  return (
    <ReactFlowProvider key={`new:${template ?? ''}`}>
      <JourneyEditor journey={null} initial={initial} />
    </ReactFlowProvider>
  );
}
