import {
  DURATION,
  ISO_DATE,
  ISO_DATETIME,
  KEY,
  PROPERTY_PATH,
  type Comparison,
  type EventSpec,
  type Filter,
  type Scalar,
  type TreeNode,
} from './condition-tree.js';

/**
 * What the builder can tell is wrong with a tree before the server is asked (the server's own
 * checks, src/conditions/ast.ts checkComparison), and where in the JSON each node sits so the
 * server's 422 issues can be shown beside their nodes. The `.js` import keeps this module
 * loadable by Node in the integration tests as well as by Vite.
 */

export type IssueCode =
  | 'keyRequired'
  | 'keyInvalid'
  | 'valueRequired'
  | 'valueList'
  | 'valueNumberOrText'
  | 'valueBetween'
  | 'valueDate'
  | 'valueDuration'
  | 'valueBoolean'
  | 'eventRequired'
  | 'propertyInvalid'
  | 'measureProperty'
  | 'measureValue'
  | 'windowDuration'
  | 'windowRange'
  | 'sequenceSteps'
  | 'segmentRequired';

export interface TreeIssue {
  /** The node (or filter, or sequence step) the problem is in. */
  id: string;
  code: IssueCode;
}

const isScalar = (v: unknown): v is Scalar =>
  (typeof v === 'string' && v !== '') || typeof v === 'number' || typeof v === 'boolean';

/** What is wrong with a comparison's value for its operator (the server's checkComparison). */
export function comparisonIssue(c: Comparison): IssueCode | null {
  const v = c.value;
  switch (c.op) {
    case 'exists':
      return v === undefined || v === null || typeof v === 'boolean' ? null : 'valueBoolean';
    case 'eq':
    case 'neq':
      return isScalar(v) ? null : 'valueRequired';
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
    case 'contains':
      return (typeof v === 'string' && v !== '') || typeof v === 'number' ? null : 'valueNumberOrText';
    case 'in':
    case 'nin':
      return Array.isArray(v) && v.length > 0 && v.every(isScalar) ? null : 'valueList';
    case 'between': {
      if (!Array.isArray(v) || v.length !== 2) return 'valueBetween';
      const [lo, hi] = v as unknown[];
      const numbers = typeof lo === 'number' && typeof hi === 'number';
      const texts = typeof lo === 'string' && typeof hi === 'string' && lo !== '' && hi !== '';
      return numbers || texts ? null : 'valueBetween';
    }
    case 'before':
    case 'after':
      return typeof v === 'string' && (ISO_DATE.test(v) || DURATION.test(v)) ? null : 'valueDate';
    case 'within_last':
    case 'birthday_within':
      return typeof v === 'string' && DURATION.test(v) ? null : 'valueDuration';
  }
}

/** What is wrong with property filters, by filter id. */
export function filterIssues(filters: readonly Filter[] | undefined, out: TreeIssue[] = []): TreeIssue[] {
  for (const f of filters ?? []) {
    if (!PROPERTY_PATH.test(f.property)) out.push({ id: f.id, code: 'propertyInvalid' });
    const c = comparisonIssue(f);
    if (c) out.push({ id: f.id, code: c });
  }
  return out;
}

function specIssues(s: EventSpec, id: string, out: TreeIssue[]): void {
  if (s.events.length === 0 || s.events.some((e) => e.trim() === '' || e.length > 200))
    out.push({ id, code: 'eventRequired' });
  filterIssues(s.where, out);
}

function collect(n: TreeNode, out: TreeIssue[]): void {
  switch (n.type) {
    case 'group':
      n.children.forEach((c) => collect(c, out));
      return;
    case 'trait':
    case 'tag': {
      if (n.key === '') out.push({ id: n.id, code: 'keyRequired' });
      else if (!KEY.test(n.key)) out.push({ id: n.id, code: 'keyInvalid' });
      const c = comparisonIssue(n);
      if (c) out.push({ id: n.id, code: c });
      return;
    }
    case 'event': {
      specIssues(n, n.id, out);
      const m = n.measure;
      if (m) {
        if (m.fn !== 'count' && !PROPERTY_PATH.test(m.property))
          out.push({ id: n.id, code: 'measureProperty' });
        const ok =
          m.op === 'between'
            ? Array.isArray(m.value) && m.value.every(Number.isFinite)
            : typeof m.value === 'number' && Number.isFinite(m.value);
        if (!ok) out.push({ id: n.id, code: 'measureValue' });
      }
      if (n.window.kind === 'last' && !DURATION.test(n.window.duration))
        out.push({ id: n.id, code: 'windowDuration' });
      if (n.window.kind === 'range') {
        const { from, to } = n.window;
        if (!ISO_DATETIME.test(from) || !ISO_DATETIME.test(to) || !(Date.parse(from) < Date.parse(to)))
          out.push({ id: n.id, code: 'windowRange' });
      }
      return;
    }
    case 'sequence':
      if (n.steps.length < 2 || n.steps.length > 5) out.push({ id: n.id, code: 'sequenceSteps' });
      n.steps.forEach((s) => specIssues(s, s.id, out));
      if (!DURATION.test(n.within)) out.push({ id: n.id, code: 'windowDuration' });
      return;
    case 'segment':
      if (n.segment === '') out.push({ id: n.id, code: 'segmentRequired' });
      return;
    case 'raw':
      // The server checks it; the builder cannot.
      return;
  }
}

/** Every problem the builder can see before asking the server. */
export function treeIssues(n: TreeNode): TreeIssue[] {
  const out: TreeIssue[] = [];
  collect(n, out);
  return out;
}

/**
 * Each node's path in the JSON as the server names it in a 422 (`condition.all[0].any[1].value`),
 * so a server issue can be shown beside its node: the longest path that prefixes the issue's.
 */
export function nodePaths(n: TreeNode, base = 'condition'): Array<{ path: string; id: string }> {
  const out: Array<{ path: string; id: string }> = [];
  const walk = (node: TreeNode, path: string) => {
    let p = path;
    out.push({ path: p, id: node.id });
    for (let i = 0; i < node.nots; i++) {
      p = `${p}.not`;
      out.push({ path: p, id: node.id });
    }
    if (node.type === 'group') node.children.forEach((c, i) => walk(c, `${p}.${node.op}[${i}]`));
  };
  walk(n, base);
  return out;
}

/** The node a server issue path is about, or null for the condition as a whole. */
export function nodeOfPath(paths: ReturnType<typeof nodePaths>, issuePath: string): string | null {
  let best: { path: string; id: string } | null = null;
  for (const p of paths) {
    const under =
      issuePath === p.path || issuePath.startsWith(`${p.path}.`) || issuePath.startsWith(`${p.path}[`);
    if (under && (!best || p.path.length > best.path.length)) best = p;
  }
  return best && best.path !== 'condition' ? best.id : null;
}
