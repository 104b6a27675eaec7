import { ArrowLeftOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Flex, Space, Tag, Typography } from 'antd';
import type { XYPosition } from '@xyflow/react';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { roleAllows } from '../../api-types';
import { Link, navigate, useNavigationBlocker } from '../../app/router';
import { useUser } from '../../app/session';
import { useI18n } from '../../i18n';
import { ErrorAlert, describeError } from '../../ui/error-alert';
import { Page } from '../../ui/page';
import { StatusTag } from '../../ui/status-tag';
import { journeysApi, type JourneyDefinition, type JourneyInfo, type StepMetrics } from './api';
import { EditorToolbar, type StatusVerb } from './editor-toolbar';
import { nodeOfIssue, removeNodes, renameStep, setConfig, setTrigger } from './canvas-edits';
import { fromDefinition, toDefinition, type Canvas } from './graph';
import { IssueList, issuesOf, openIssuesOf, type Issue } from './issue-list';
import { JourneyCanvas } from './journey-canvas';
import { ExperimentResults, JourneyTotals } from './metrics-panel';
import { NodeDrawer } from './node-drawer';
import { useCanvasHistory, useUndoKeys } from './canvas-history';
import { useLayoutSaver } from './positions';
import { SettingsDrawer } from './settings-drawer';
import { TestSendModal } from './test-send-modal';
import { VersionsDrawer } from './versions-drawer';

const positionsOf = (c: Canvas) => Object.fromEntries(c.nodes.map((n) => [n.id, n.position]));

/** The canvas page of one journey (or of a new one): edit, save, publish, test, read the numbers. */
export function JourneyEditor({
  journey,
  initial,
  positions = {},
}: {
  /** The saved journey; null for a new one. */
  journey: JourneyInfo | null;
  /** What the canvas opens with (the saved definition, a template, or an empty journey). */
  initial: JourneyDefinition;
  /** Where the nodes were placed (the stored layout); the rest are laid out. */
  positions?: Record<string, XYPosition>;
}): React.JSX.Element {
  const { t } = useI18n();
  const { message } = App.useApp();
  const user = useUser();
  const queryClient = useQueryClient();
  const canWrite = roleAllows(user.role, 'marketer');
  const canReadMetrics = roleAllows(user.role, 'analyst');
  const readOnly = !canWrite || journey?.status === 'archived';

  const [canvas, setCanvas] = useState<Canvas>(() => fromDefinition(initial, positions));
  const layout = useLayoutSaver(journey?.id ?? null, canWrite && journey?.status !== 'archived');
  const definition = useMemo(() => toDefinition(canvas), [canvas]);
  // Written once per change of the canvas: the edit checks and the undo history compare it.
  const definitionJson = useMemo(() => JSON.stringify(definition), [definition]);
  const layoutMoved = layout.moved;
  const history = useCanvasHistory(
    canvas,
    definitionJson,
    useCallback(
      (c: Canvas) => {
        setCanvas(c);
        layoutMoved(c.nodes);
      },
      [layoutMoved],
    ),
  );
  useUndoKeys(!readOnly, history.undo, history.redo);
  const latest = useRef(canvas);
  useEffect(() => {
    latest.current = canvas;
  }, [canvas]);
  const [issues, setIssues] = useState<Issue[]>([]);
  const [failure, setFailure] = useState<unknown>(null);
  const [jsonErrors, setJsonErrors] = useState<Record<string, string>>({});
  const [settingsOpen, setSettingsOpen] = useState(false);
  const [versionsOpen, setVersionsOpen] = useState(false);
  const [testing, setTesting] = useState<string | null>(null);
  const [busy, setBusy] = useState<'save' | StatusVerb | null>(null);

  // The saved definition as the canvas would write it, so that only real edits count as changes.
  const savedDefinition = useMemo(
    () => (journey ? toDefinition(fromDefinition(journey.definition)) : null),
    [journey],
  );
  const savedJson = useMemo(
    () => (savedDefinition ? JSON.stringify(savedDefinition) : null),
    [savedDefinition],
  );
  const dirty = savedJson === null || definitionJson !== savedJson;

  // Leaving asks while there are edits; a new journey counts as edited once it differs from
  // what it opened with (a template, or nothing).
  const opened = useMemo(() => JSON.stringify(toDefinition(fromDefinition(initial))), [initial]);
  const edited = !readOnly && (journey ? dirty : definitionJson !== opened);
  useNavigationBlocker(edited, t('journeys.unsaved.journey'), {
    title: t('journeys.unsaved.title'),
    okText: t('journeys.unsaved.leave'),
    cancelText: t('journeys.unsaved.stay'),
  });

  const metricsQ = useQuery({
    queryKey: ['journey-metrics', journey?.id],
    queryFn: ({ signal }) => journeysApi.metrics(journey!.id, signal),
    enabled: journey !== null && canReadMetrics,
  });
  const metrics = metricsQ.data;
  const stepMetrics = useMemo(
    () =>
      metrics && metrics.entered > 0
        ? new Map<string, StepMetrics>(metrics.steps.map((s) => [s.stepId, s]))
        : null,
    [metrics],
  );

  // The server's problems in words the canvas can say better (a way out not connected), and
  // without those the canvas has fixed since (connected now).
  const openIssues = useMemo(() => openIssuesOf(issues, definition, t), [issues, definition, t]);
  const issueMap = useMemo(() => {
    const m = new Map<string, string[]>();
    for (const i of openIssues) {
      const node = nodeOfIssue(i.path);
      if (node) m.set(node, [...(m.get(node) ?? []), `${i.path.replace(/^journey\./, '')}: ${i.message}`]);
    }
    return m;
  }, [openIssues]);

  const change = useCallback((update: (c: Canvas) => Canvas) => setCanvas(update), []);
  const onJsonError = useCallback((field: string, msg: string | null) => {
    setJsonErrors((prev) => {
      if (msg === null && !(field in prev)) return prev;
      const next = { ...prev };
      if (msg === null) delete next[field];
      else next[field] = msg;
      return next;
    });
  }, []);
  const select = (id: string | null) =>
    setCanvas((c) => ({
      ...c,
      nodes: c.nodes.map((n) =>
        n.id === id ? { ...n, selected: true } : n.selected ? { ...n, selected: false } : n,
      ),
      edges: c.edges.map((e) => (e.selected ? { ...e, selected: false } : e)),
    }));

  /** After a save, the canvas takes the server's definition (defaults filled in), keeping places and selection. */
  const remember = (saved: JourneyInfo) => {
    layout.saveNow(saved.id, latest.current.nodes);
    queryClient.setQueryData(['journey', saved.id], saved);
    void queryClient.invalidateQueries({ queryKey: ['journeys'] });
  };
  const adopt = (saved: JourneyInfo) => {
    const selected = latest.current.nodes.find((n) => n.selected)?.id;
    const next = fromDefinition(saved.definition, positionsOf(latest.current));
    setCanvas({ ...next, nodes: next.nodes.map((n) => (n.id === selected ? { ...n, selected: true } : n)) });
    remember(saved);
  };

  const persist = async (): Promise<JourneyInfo | null> => {
    setIssues([]);
    setFailure(null);
    try {
      const saved = journey
        ? await journeysApi.update(journey.id, definition)
        : await journeysApi.create(definition);
      if (!journey) remember(saved);
      else adopt(saved);
      return saved;
    } catch (err) {
      const found = issuesOf(err);
      setIssues(found);
      setFailure(found.length > 0 ? null : err);
      void message.error(
        found.length > 0
          ? t('journeys.issues.saveRefused', { count: found.length })
          : describeError(err, t).title,
      );
      return null;
    }
  };

  const save = async () => {
    setBusy('save');
    const saved = await persist();
    setBusy(null);
    if (!saved) return;
    void message.success(t('journeys.saved', { version: saved.version }));
    if (!journey) navigate(`/journeys/${saved.id}`, { replace: true, force: true });
  };

  // A new journey published in one go is created first; should activating it then fail, the page
  // still moves to it, so that publishing again does not create a second one.
  const created = useRef<string | null>(null);
  const status = useMutation({
    mutationFn: async (verb: StatusVerb) => {
      let target = journey;
      if (verb === 'activate' && (dirty || !journey)) {
        target = await persist();
        if (!target) return null;
        if (!journey) created.current = target.id;
      }
      return journeysApi.setStatus(target!.id, verb);
    },
    onMutate: (verb) => setBusy(verb),
    onSettled: () => setBusy(null),
    onSuccess: (info, verb) => {
      if (!info) return;
      setIssues([]);
      void message.success(t(`journeys.done.${verb}`));
      // A status change keeps the definition: edits not saved (pause, archive) stay on the canvas.
      remember(info);
      if (!journey) navigate(`/journeys/${info.id}`, { replace: true, force: true });
      void queryClient.invalidateQueries({ queryKey: ['journey-metrics', info.id] });
    },
    onError: (err) => {
      if (!journey && created.current)
        navigate(`/journeys/${created.current}`, { replace: true, force: true });
      const found = issuesOf(err);
      setIssues(found);
      setFailure(found.length > 0 ? null : err);
      void message.error(describeError(err, t).title);
    },
  });

  const selectedNodes = canvas.nodes.filter((n) => n.selected);
  const selected = selectedNodes.length === 1 ? selectedNodes[0] : undefined;
  const jsonProblem = Object.values(jsonErrors)[0];
  const savedStep = (id: string) => savedDefinition?.steps[id];
  const testingStep = testing ? definition.steps[testing] : undefined;

  return (
    <Page
      title={
        <Space size="middle" wrap>
          <Link to="/journeys" aria-label={t('journeys.back')}>
            <ArrowLeftOutlined />
          </Link>
          <span data-testid="journey-title">{canvas.settings.name || t('journeys.untitled')}</span>
          {journey ? <StatusTag status={journey.status} /> : <Tag>{t('journeys.newTag')}</Tag>}
          {journey && (
            <Typography.Text type="secondary" style={{ fontSize: 14, fontWeight: 'normal' }}>
              v{journey.version}
            </Typography.Text>
          )}
          {dirty && !readOnly && (
            <Tag color="orange" data-testid="journey-dirty">
              {t('journeys.unsaved')}
            </Tag>
          )}
        </Space>
      }
      extra={
        <EditorToolbar
          status={journey?.status ?? null}
          saved={journey !== null}
          dirty={dirty}
          canWrite={canWrite}
          busy={busy}
          saveBlocked={jsonProblem ? t('journeys.issues.json', { message: jsonProblem }) : null}
          onSettings={() => setSettingsOpen(true)}
          onVersions={() => setVersionsOpen(true)}
          onRefresh={journey && canReadMetrics ? () => void metricsQ.refetch() : null}
          refreshing={metricsQ.isFetching}
          onSave={() => void save()}
          onStatus={(verb) => status.mutate(verb)}
          history={history}
        />
      }
    >
      {readOnly && (
        <Alert
          type="info"
          showIcon
          title={
            journey?.status === 'archived' ? t('journeys.readOnly.archived') : t('journeys.readOnly.role')
          }
        />
      )}
      {journey?.status === 'active' && dirty && !readOnly && (
        <Alert type="warning" showIcon title={t('journeys.activeEdit')} />
      )}
      {metricsQ.error && <ErrorAlert error={metricsQ.error} onRetry={() => void metricsQ.refetch()} />}
      {metrics && <JourneyTotals m={metrics} />}
      {failure !== null && <ErrorAlert error={failure} />}
      <IssueList
        issues={openIssues}
        onCanvas={(id) => canvas.nodes.some((n) => n.id === id)}
        onSelect={(id) => select(id)}
      />
      <JourneyCanvas
        canvas={canvas}
        onChange={change}
        readOnly={readOnly}
        metrics={stepMetrics}
        issues={issueMap}
        onMoved={() => {
          history.moved();
          layout.moved(latest.current.nodes);
        }}
      />
      {metrics && (
        <Flex vertical gap={16}>
          <ExperimentResults m={metrics} />
        </Flex>
      )}
      <NodeDrawer
        node={selected}
        readOnly={readOnly}
        issues={selected ? (issueMap.get(selected.id) ?? []) : []}
        onTrigger={(tr) => setCanvas((c) => setTrigger(c, tr))}
        onConfig={(id, cfg) => setCanvas((c) => setConfig(c, id, cfg))}
        onRename={(from, to) => {
          const next = renameStep(latest.current, from, to);
          if (!next) return t('journeys.drawer.stepIdTaken', { id: to });
          setCanvas(next);
          return null;
        }}
        onDelete={(id) => setCanvas((c) => removeNodes(c, new Set([id])))}
        onClose={() => select(null)}
        onJsonError={onJsonError}
        testSend={
          canWrite && journey
            ? {
                blocked: savedStep(selected?.id ?? '')?.kind === 'send' ? null : t('journeys.test.saveFirst'),
                open: setTesting,
              }
            : canWrite
              ? { blocked: t('journeys.test.saveFirst'), open: setTesting }
              : null
        }
      />
      <SettingsDrawer
        open={settingsOpen}
        settings={canvas.settings}
        onChange={(settings) => setCanvas((c) => ({ ...c, settings }))}
        onClose={() => setSettingsOpen(false)}
        onJsonError={onJsonError}
        readOnly={readOnly}
      />
      {versionsOpen && journey && (
        <VersionsDrawer
          journeyId={journey.id}
          current={journey.version}
          readOnly={readOnly}
          onClose={() => setVersionsOpen(false)}
          onLoad={(d, version) => {
            setCanvas(fromDefinition(d, positionsOf(latest.current)));
            setVersionsOpen(false);
            void message.info(t('journeys.versions.loaded', { version }));
          }}
        />
      )}
      {testing && journey && testingStep?.kind === 'send' && (
        <TestSendModal
          journeyId={journey.id}
          stepId={testing}
          template={testingStep.template}
          changed={JSON.stringify(savedStep(testing)) !== JSON.stringify(testingStep)}
          onClose={() => setTesting(null)}
        />
      )}
    </Page>
  );
}
