import { WarningFilled } from '@ant-design/icons';
import { Handle, Position, type NodeProps } from '@xyflow/react';
import { Flex, Tag, Tooltip, Typography, theme } from 'antd';
import { memo } from 'react';
import { useI18n } from '../../i18n';
import type { StepMetrics } from './api';
import { useCanvasView } from './canvas-context';
import { NODE_WIDTH, outcomesOf, type StepNode, type TriggerNode } from './graph';
import { KIND_COLOR, kindIcon, outcomeText, stepSummary, triggerSummary } from './step-meta';

/**
 * A node of the canvas: the trigger or a step, with its summary, the server's problems with it,
 * its numbers when the journey has run, a target handle on top and one source handle per way out
 * along the bottom, each labelled.
 */

const BADGES = ['reached', 'waiting', 'sent', 'delivered', 'opened', 'clicked', 'failed'] as const;

function Badges({ m }: { m: StepMetrics }): React.JSX.Element {
  const { t, formatNumber } = useI18n();
  const shown = BADGES.filter((k) => k === 'reached' || m[k] > 0);
  const outcomes = Object.entries(m.outcomes);
  return (
    <Tooltip
      title={
        outcomes.length > 0 ? (
          <>
            <div>{t('journeys.m.outcomes')}</div>
            {outcomes.map(([o, count]) => (
              <div key={o}>
                {o}: {formatNumber(count)}
              </div>
            ))}
          </>
        ) : undefined
      }
    >
      <Flex wrap gap={4} style={{ marginTop: 6 }} data-testid={`journey-metrics-${m.stepId}`}>
        {shown.map((k) => (
          <Tag
            key={k}
            color={k === 'failed' ? 'red' : k === 'reached' ? 'blue' : undefined}
            style={{ margin: 0, fontSize: 11, lineHeight: '18px', paddingInline: 5 }}
            data-metric={k}
            data-value={m[k]}
          >
            {t(`journeys.m.${k}`)} {formatNumber(m[k])}
          </Tag>
        ))}
      </Flex>
    </Tooltip>
  );
}

function Frame({
  id,
  kind,
  title,
  summary,
  selected,
  target,
  outcomes,
  children,
}: {
  id: string;
  kind: keyof typeof KIND_COLOR;
  title: string;
  summary: string;
  selected: boolean;
  target: boolean;
  outcomes: ReturnType<typeof outcomesOf>;
  children?: React.ReactNode;
}): React.JSX.Element {
  const { t } = useI18n();
  const { token } = theme.useToken();
  const view = useCanvasView();
  const issues = view.issues.get(id) ?? [];
  const color = KIND_COLOR[kind];
  const border = issues.length > 0 ? token.colorError : selected ? token.colorPrimary : token.colorBorder;
  return (
    <div
      data-testid={`journey-node-${id}`}
      data-kind={kind}
      style={{
        width: NODE_WIDTH,
        background: token.colorBgContainer,
        border: `${selected || issues.length > 0 ? 2 : 1}px solid ${border}`,
        borderTop: `4px solid ${color}`,
        borderRadius: 8,
        padding: '8px 10px',
        paddingBottom: outcomes.length > 1 ? 22 : 10,
        boxShadow: selected ? token.boxShadowSecondary : token.boxShadowTertiary,
        fontSize: 12,
      }}
    >
      {target && <Handle type="target" position={Position.Top} id="in" isConnectable={!view.readOnly} />}
      <Flex align="center" gap={6}>
        <span style={{ color, fontSize: 14 }}>{kindIcon(kind)}</span>
        <Typography.Text strong style={{ fontSize: 13 }}>
          {title}
        </Typography.Text>
        <Typography.Text type="secondary" style={{ fontSize: 11, marginLeft: 'auto' }} ellipsis>
          {id === '_trigger' ? '' : id}
        </Typography.Text>
        {issues.length > 0 && (
          <Tooltip title={issues.join('\n')}>
            <WarningFilled style={{ color: token.colorError }} aria-label={t('journeys.issues.title')} />
          </Tooltip>
        )}
      </Flex>
      {summary && (
        <Typography.Text type="secondary" style={{ fontSize: 12, display: 'block' }} ellipsis>
          {summary}
        </Typography.Text>
      )}
      {issues.length > 0 && (
        <Typography.Text
          type="danger"
          style={{ fontSize: 11, display: 'block' }}
          ellipsis
          data-testid="node-issue"
        >
          {issues[0]}
        </Typography.Text>
      )}
      {children}
      {outcomes.map((o, i) => {
        const left = `${((i + 1) / (outcomes.length + 1)) * 100}%`;
        return (
          <div key={o.handle}>
            <Handle
              type="source"
              position={Position.Bottom}
              id={o.handle}
              style={{ left, background: o.optional ? token.colorTextQuaternary : color }}
              isConnectable={!view.readOnly}
            />
            {outcomes.length > 1 && (
              <span
                style={{
                  position: 'absolute',
                  bottom: 5,
                  left,
                  transform: 'translateX(-50%)',
                  fontSize: 10,
                  color: token.colorTextSecondary,
                  whiteSpace: 'nowrap',
                  pointerEvents: 'none',
                }}
              >
                {outcomeText(o.label, t)}
              </span>
            )}
          </div>
        );
      })}
    </div>
  );
}

export const TriggerNodeView = memo(function TriggerNodeView({
  id,
  data,
  selected,
}: NodeProps<TriggerNode>): React.JSX.Element {
  const { t, tryT } = useI18n();
  return (
    <Frame
      id={id}
      kind="trigger"
      title={`${t('journeys.kind.trigger')} · ${tryT(`trigger.${data.trigger.kind}`) ?? data.trigger.kind}`}
      summary={triggerSummary(data.trigger, t)}
      selected={selected}
      target={false}
      outcomes={outcomesOf({ id, type: 'trigger', data, position: { x: 0, y: 0 } })}
    />
  );
});

export const StepNodeView = memo(function StepNodeView({
  id,
  data,
  selected,
}: NodeProps<StepNode>): React.JSX.Element {
  const { t } = useI18n();
  const view = useCanvasView();
  const m = view.metrics?.get(id);
  return (
    <Frame
      id={id}
      kind={data.config.kind}
      title={t(`journeys.kind.${data.config.kind}`)}
      summary={stepSummary(data.config, t)}
      selected={selected}
      target
      outcomes={outcomesOf({ id, type: 'step', data, position: { x: 0, y: 0 } })}
    >
      {m && <Badges m={m} />}
    </Frame>
  );
});

export const NODE_TYPES = { trigger: TriggerNodeView, step: StepNodeView };
