import { Alert, Typography } from 'antd';
import { ApiError } from '../../api';
import type { I18n } from '../../i18n';
import { useI18n } from '../../i18n';
import type { JourneyDefinition } from './api';
import { nodeOfIssue } from './canvas-edits';

/**
 * The problems the server's check found (`checkJourney` names each by its path): read from an
 * error answer, said better where the canvas knows better (a way out not connected), dropped once
 * the canvas has fixed them, and listed with a link to the node each is about.
 */

export interface Issue {
  path: string;
  message: string;
}

export const issuesOf = (err: unknown): Issue[] =>
  err instanceof ApiError && Array.isArray(err.details)
    ? err.details.filter(
        (d): d is Issue =>
          typeof d === 'object' &&
          d !== null &&
          typeof (d as Issue).path === 'string' &&
          typeof (d as Issue).message === 'string',
      )
    : [];

/** The value at an issue's path (`journey.steps.wait_1.next`) in a definition. */
function valueAt(definition: JourneyDefinition, path: string): unknown {
  let v: unknown = definition;
  for (const part of path.split('.').slice(1)) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<string, unknown>)[part];
  }
  return v;
}

/** A way out (or the start) the check found missing: the server says "expected string, received undefined". */
const isUnconnected = (i: Issue): boolean =>
  (i.path === 'journey.start' || /\.(next|yes|no|timeoutNext)$/.test(i.path)) &&
  (/undefined/.test(i.message) || i.path === 'journey.start');

/** The problems still open on this definition, in the canvas's words where it has better ones. */
export function openIssuesOf(issues: readonly Issue[], definition: JourneyDefinition, t: I18n['t']): Issue[] {
  return issues
    .filter((i) => !isUnconnected(i) || !valueAt(definition, i.path))
    .map((i) =>
      isUnconnected(i)
        ? {
            ...i,
            message: t(
              i.path === 'journey.start' ? 'journeys.issues.noStart' : 'journeys.issues.unconnected',
            ),
          }
        : i,
    );
}

export function IssueList({
  issues,
  onCanvas,
  onSelect,
}: {
  issues: readonly Issue[];
  onCanvas: (nodeId: string) => boolean;
  onSelect: (nodeId: string) => void;
}): React.JSX.Element | null {
  const { t } = useI18n();
  if (issues.length === 0) return null;
  return (
    <Alert
      type="error"
      showIcon
      data-testid="journey-issues"
      title={t('journeys.issues.title')}
      description={
        <ul style={{ margin: 0, paddingInlineStart: 18 }}>
          {issues.map((i, k) => {
            const node = nodeOfIssue(i.path);
            const path = i.path.replace(/^journey\./, '');
            return (
              <li key={k}>
                {node && onCanvas(node) ? (
                  <Typography.Link onClick={() => onSelect(node)}>{path}</Typography.Link>
                ) : (
                  <Typography.Text code>{path}</Typography.Text>
                )}
                : {i.message}
              </li>
            );
          })}
        </ul>
      }
    />
  );
}
