import {
  Background,
  Controls,
  MarkerType,
  MiniMap,
  ReactFlow,
  applyEdgeChanges,
  applyNodeChanges,
  useReactFlow,
  type Connection,
  type EdgeChange,
  type NodeChange,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { Flex, theme } from 'antd';
import { useCallback, useMemo, type DragEvent } from 'react';
import { useI18n } from '../../i18n';
import type { StepKind, StepMetrics } from './api';
import { CanvasViewContext, type CanvasView } from './canvas-context';
import { connect, newStepNode } from './canvas-edits';
import { NODE_WIDTH, outcomesOf, type Canvas, type JourneyEdge, type JourneyNode } from './graph';
import { NODE_TYPES } from './journey-node';
import { Palette, STEP_DRAG_TYPE } from './palette';
import { KIND_COLOR, STEP_KINDS, outcomeText } from './step-meta';

/**
 * The journey's graph in React Flow: drag steps from the palette (or click them), connect a way
 * out to a step by dragging from its handle, select to configure, Delete / Backspace to remove.
 * The page owns the canvas state; this component only turns gestures into new states.
 */
export function JourneyCanvas({
  canvas,
  onChange,
  readOnly,
  metrics,
  issues,
  onMoved,
}: {
  canvas: Canvas;
  onChange: (update: (c: Canvas) => Canvas) => void;
  readOnly: boolean;
  metrics: ReadonlyMap<string, StepMetrics> | null;
  issues: ReadonlyMap<string, string[]>;
  /** A node was dragged to a new place (the page keeps the layout). */
  onMoved: () => void;
}): React.JSX.Element {
  const { t, formatNumber } = useI18n();
  const { token } = theme.useToken();
  const flow = useReactFlow<JourneyNode, JourneyEdge>();

  const view = useMemo<CanvasView>(() => ({ metrics, issues, readOnly }), [metrics, issues, readOnly]);

  const onNodesChange = useCallback(
    (changes: NodeChange<JourneyNode>[]) =>
      onChange((c) => ({ ...c, nodes: applyNodeChanges(changes, c.nodes) })),
    [onChange],
  );
  const onEdgesChange = useCallback(
    (changes: EdgeChange<JourneyEdge>[]) =>
      onChange((c) => ({ ...c, edges: applyEdgeChanges(changes, c.edges) })),
    [onChange],
  );
  const onConnect = useCallback(
    (conn: Connection) => onChange((c) => ({ ...c, edges: connect(c.edges, conn) })),
    [onChange],
  );

  const add = useCallback(
    (kind: StepKind, at?: { x: number; y: number }) =>
      onChange((c) => {
        let position = at;
        if (!position) {
          const selected = c.nodes.find((n) => n.selected);
          if (selected) position = { x: selected.position.x, y: selected.position.y + 150 };
          else {
            const box = document.querySelector('.react-flow')?.getBoundingClientRect();
            const center = box
              ? flow.screenToFlowPosition({ x: box.left + box.width / 2, y: box.top + box.height / 2 })
              : { x: 0, y: 0 };
            position = { x: center.x - NODE_WIDTH / 2, y: center.y };
          }
        }
        const node = newStepNode(kind, c.nodes, position);
        return {
          ...c,
          nodes: [
            ...c.nodes.map((n) => (n.selected ? { ...n, selected: false } : n)),
            { ...node, selected: true },
          ],
          edges: c.edges.map((e) => (e.selected ? { ...e, selected: false } : e)),
        };
      }),
    [onChange, flow],
  );

  const onDrop = useCallback(
    (e: DragEvent<HTMLDivElement>) => {
      const kind = e.dataTransfer.getData(STEP_DRAG_TYPE) as StepKind;
      if (!STEP_KINDS.includes(kind)) return;
      e.preventDefault();
      const p = flow.screenToFlowPosition({ x: e.clientX, y: e.clientY });
      add(kind, { x: p.x - NODE_WIDTH / 2, y: p.y - 20 });
    },
    [add, flow],
  );

  // Labels and counts on the edges: the way out they leave by, and how many went that way.
  const edges = useMemo(() => {
    const byId = new Map(canvas.nodes.map((n) => [n.id, n]));
    return canvas.edges.map((e) => {
      const source = byId.get(e.source);
      const outcome = source ? outcomesOf(source).find((o) => o.handle === e.sourceHandle) : undefined;
      const showLabel = source && outcomesOf(source).length > 1;
      const count = outcome?.counted ? metrics?.get(e.source)?.outcomes[outcome.counted] : undefined;
      const text = outcome && showLabel ? outcomeText(outcome.label, t) : '';
      const label = count !== undefined ? `${text} · ${formatNumber(count)}` : text;
      const color = source
        ? KIND_COLOR[source.type === 'trigger' ? 'trigger' : source.data.config.kind]
        : undefined;
      return {
        ...e,
        type: 'smoothstep',
        label: label || undefined,
        labelBgPadding: [4, 2] as [number, number],
        labelStyle: { fontSize: 11 },
        markerEnd: { type: MarkerType.ArrowClosed, color: e.selected ? token.colorPrimary : color },
        style: { stroke: e.selected ? token.colorPrimary : color, strokeWidth: e.selected ? 2.5 : 1.5 },
      };
    });
  }, [canvas.edges, canvas.nodes, metrics, t, formatNumber, token.colorPrimary]);

  return (
    <CanvasViewContext.Provider value={view}>
      <Flex gap={12} align="stretch" style={{ height: 'calc(100vh - 260px)', minHeight: 520 }}>
        {!readOnly && <Palette onAdd={(k) => add(k)} />}
        <div
          style={{
            flex: 1,
            border: `1px solid ${token.colorBorderSecondary}`,
            borderRadius: 8,
            background: token.colorBgLayout,
          }}
          data-testid="journey-canvas"
          onDragOver={(e) => {
            if (readOnly || !e.dataTransfer.types.includes(STEP_DRAG_TYPE)) return;
            e.preventDefault();
            e.dataTransfer.dropEffect = 'move';
          }}
          onDrop={readOnly ? undefined : onDrop}
        >
          <ReactFlow<JourneyNode, JourneyEdge>
            nodes={canvas.nodes}
            edges={edges}
            nodeTypes={NODE_TYPES}
            onNodesChange={onNodesChange}
            onEdgesChange={onEdgesChange}
            onConnect={onConnect}
            onNodeDragStop={onMoved}
            nodesDraggable={!readOnly}
            nodesConnectable={!readOnly}
            deleteKeyCode={readOnly ? null : ['Backspace', 'Delete']}
            fitView
            fitViewOptions={{ padding: 0.2, maxZoom: 1 }}
            minZoom={0.2}
            proOptions={{ hideAttribution: true }}
          >
            <Background gap={16} />
            <Controls showInteractive={false} fitViewOptions={{ padding: 0.2, maxZoom: 1 }} />
            <MiniMap<JourneyNode>
              pannable
              zoomable
              style={{ width: 160, height: 110 }}
              nodeColor={(n) => KIND_COLOR[n.type === 'trigger' ? 'trigger' : n.data.config.kind]}
            />
          </ReactFlow>
        </div>
      </Flex>
    </CanvasViewContext.Provider>
  );
}
