import {
  ArrowDownOutlined,
  ArrowUpOutlined,
  BranchesOutlined,
  DeleteOutlined,
  PlusOutlined,
} from '@ant-design/icons';
import { Button, Checkbox, Dropdown, Flex, Segmented, Tag, Tooltip, Typography, theme } from 'antd';
import { useMemo } from 'react';
import { useI18n } from '../../i18n';
import { BuilderContext, useBuilder, type BuilderContextValue } from './builder-context';
import type { BuilderOptions } from './builder-options';
import {
  moveNode,
  newGroup,
  newLeaf,
  removeNode,
  updateNode,
  type GroupNode,
  type LeafType,
  type TreeNode,
} from './condition-tree';
import { nodeOfPath, nodePaths, treeIssues, type IssueCode } from './condition-check';
import { EventEditor, SequenceEditor } from './event-editor';
import { Issues, RawEditor, SegmentEditor, TagEditor, TraitEditor } from './leaf-editors';

/**
 * The visual condition builder: groups (all / any) nested to any depth, a NOT on any node, and
 * an editor per leaf kind. Each node carries `data-testid="builder-node-<path>"` (`root`,
 * `root.0`, `root.0.1`, …) so tests and people can point at it.
 */

const LEAF_TYPES: readonly LeafType[] = ['event', 'trait', 'tag', 'sequence', 'segment', 'raw'];
const LEAF_COLOURS: Record<LeafType, string> = {
  event: 'geekblue',
  sequence: 'purple',
  trait: 'green',
  tag: 'cyan',
  segment: 'magenta',
  raw: 'default',
};

function NotToggle({ node }: { node: TreeNode }): React.JSX.Element {
  const { t } = useI18n();
  const { update, readOnly } = useBuilder();
  return (
    <Tooltip title={t('segments.b.notHint')}>
      <Checkbox
        checked={node.nots % 2 === 1}
        disabled={readOnly}
        onChange={(e) => update(node.id, (n) => ({ ...n, nots: e.target.checked ? 1 : 0 }))}
      >
        {t('segments.b.not')}
      </Checkbox>
    </Tooltip>
  );
}

function NodeTools({ node, isRoot }: { node: TreeNode; isRoot: boolean }): React.JSX.Element | null {
  const { t } = useI18n();
  const { remove, move, readOnly } = useBuilder();
  if (readOnly) return null;
  return (
    <Flex gap={2}>
      {!isRoot && (
        <>
          <Button
            type="text"
            size="small"
            icon={<ArrowUpOutlined />}
            aria-label={t('segments.b.moveUp')}
            onClick={() => move(node.id, -1)}
          />
          <Button
            type="text"
            size="small"
            icon={<ArrowDownOutlined />}
            aria-label={t('segments.b.moveDown')}
            onClick={() => move(node.id, 1)}
          />
        </>
      )}
      <Button
        type="text"
        size="small"
        danger
        icon={<DeleteOutlined />}
        aria-label={t('segments.b.remove')}
        onClick={() => remove(node.id)}
      />
    </Flex>
  );
}

function AddMenu({ group, path }: { group: GroupNode; path: string }): React.JSX.Element {
  const { t } = useI18n();
  const { update } = useBuilder();
  const add = (n: TreeNode) =>
    update(group.id, (g) => (g.type === 'group' ? { ...g, children: [...g.children, n] } : g));
  return (
    <Flex gap={8}>
      <Dropdown
        trigger={['click']}
        menu={{
          items: LEAF_TYPES.map((k) => ({ key: k, label: t(`segments.b.leaf.${k}`) })),
          onClick: ({ key }) => add(newLeaf(key as LeafType)),
        }}
      >
        <Button size="small" icon={<PlusOutlined />} data-testid={`builder-add-${path}`}>
          {t('segments.b.addCondition')}
        </Button>
      </Dropdown>
      <Button
        size="small"
        icon={<BranchesOutlined />}
        data-testid={`builder-add-group-${path}`}
        onClick={() => add(newGroup(group.op === 'all' ? 'any' : 'all'))}
      >
        {t('segments.b.addGroup')}
      </Button>
    </Flex>
  );
}

function GroupEditor({ node, path }: { node: GroupNode; path: string }): React.JSX.Element {
  const { t } = useI18n();
  const { token } = theme.useToken();
  const { update, readOnly } = useBuilder();
  const depth = path.split('.').length - 1;
  const colours = [token.colorPrimary, token.colorWarning, token.colorSuccess, token.colorInfo];
  const joiner = node.op === 'all' ? t('segments.b.and') : t('segments.b.or');
  return (
    <div
      data-testid={`builder-node-${path}`}
      data-kind="group"
      style={{
        borderLeft: `3px solid ${colours[depth % colours.length]}`,
        background: depth % 2 === 0 ? token.colorFillQuaternary : token.colorBgContainer,
        borderRadius: token.borderRadius,
        padding: '8px 12px',
      }}
    >
      <Flex justify="space-between" align="center" wrap gap={8} style={{ marginBottom: 8 }}>
        <Flex align="center" gap={12} wrap>
          <NotToggle node={node} />
          <Segmented<'all' | 'any'>
            size="small"
            value={node.op}
            disabled={readOnly}
            onChange={(op) => update(node.id, (n) => (n.type === 'group' ? { ...n, op } : n))}
            options={[
              { value: 'all', label: t('segments.b.all') },
              { value: 'any', label: t('segments.b.any') },
            ]}
          />
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('segments.b.groupOf', { n: node.children.length })}
          </Typography.Text>
        </Flex>
        <NodeTools node={node} isRoot={path === 'root'} />
      </Flex>
      <Issues id={node.id} />
      <Flex vertical gap={6}>
        {node.children.length === 0 && (
          <Typography.Text type="secondary">
            {node.op === 'all' ? t('segments.b.emptyAll') : t('segments.b.emptyAny')}
          </Typography.Text>
        )}
        {node.children.map((c, i) => (
          <Flex key={c.id} vertical gap={6}>
            {i > 0 && (
              <div>
                <Tag color={node.op === 'all' ? 'blue' : 'orange'}>{joiner}</Tag>
              </div>
            )}
            <NodeEditor node={c} path={`${path}.${i}`} />
          </Flex>
        ))}
        {!readOnly && (
          <div style={{ marginTop: 4 }}>
            <AddMenu group={node} path={path} />
          </div>
        )}
      </Flex>
    </div>
  );
}

function LeafEditor({ node, path }: { node: Exclude<TreeNode, GroupNode>; path: string }) {
  const { t } = useI18n();
  const { token } = theme.useToken();
  let body: React.JSX.Element;
  switch (node.type) {
    case 'trait':
      body = <TraitEditor node={node} />;
      break;
    case 'tag':
      body = <TagEditor node={node} />;
      break;
    case 'event':
      body = <EventEditor node={node} />;
      break;
    case 'sequence':
      body = <SequenceEditor node={node} />;
      break;
    case 'segment':
      body = <SegmentEditor node={node} />;
      break;
    case 'raw':
      body = <RawEditor node={node} />;
      break;
  }
  return (
    <div
      data-testid={`builder-node-${path}`}
      data-kind={node.type}
      style={{
        border: `1px solid ${token.colorBorderSecondary}`,
        borderRadius: token.borderRadius,
        background: token.colorBgContainer,
        padding: '8px 12px',
      }}
    >
      <Flex justify="space-between" align="center" gap={8} style={{ marginBottom: 6 }}>
        <Flex align="center" gap={12}>
          <Tag color={LEAF_COLOURS[node.type]}>{t(`segments.b.leaf.${node.type}`)}</Tag>
          <NotToggle node={node} />
        </Flex>
        <NodeTools node={node} isRoot={path === 'root'} />
      </Flex>
      {body}
      <Issues id={node.id} />
    </div>
  );
}

function NodeEditor({ node, path }: { node: TreeNode; path: string }): React.JSX.Element {
  return node.type === 'group' ? (
    <GroupEditor node={node} path={path} />
  ) : (
    <LeafEditor node={node} path={path} />
  );
}

/**
 * Escape closes an open picker only: it does not also close the drawer or modal the builder
 * sits in (a journey step's drawer), which would take the whole form away.
 */
export function keepEscapeInPickers(e: React.KeyboardEvent): void {
  const target = e.target as HTMLElement;
  if (e.key === 'Escape' && target.getAttribute('aria-expanded') === 'true') e.stopPropagation();
}

export interface ServerIssue {
  path: string;
  message: string;
}

export function ConditionBuilder({
  value,
  onChange,
  options,
  readOnly,
  selfId,
  serverIssues,
}: {
  value: TreeNode;
  onChange: (next: TreeNode) => void;
  options: BuilderOptions;
  readOnly: boolean;
  selfId: string | null;
  serverIssues: ServerIssue[];
}): React.JSX.Element {
  const { t } = useI18n();
  const ctx = useMemo<BuilderContextValue>(() => {
    const issues = new Map<string, IssueCode[]>();
    for (const i of treeIssues(value)) issues.set(i.id, [...(issues.get(i.id) ?? []), i.code]);
    const paths = nodePaths(value);
    const server = new Map<string, string[]>();
    for (const i of serverIssues) {
      const id = nodeOfPath(paths, i.path) ?? value.id;
      server.set(id, [...(server.get(id) ?? []), i.message]);
    }
    return {
      options,
      readOnly,
      selfId,
      issues,
      serverIssues: server,
      update: (id, fn) => onChange(updateNode(value, id, fn)),
      remove: (id) => onChange(removeNode(value, id)),
      move: (id, by) => onChange(moveNode(value, id, by)),
    };
  }, [value, onChange, options, readOnly, selfId, serverIssues]);
  return (
    <BuilderContext.Provider value={ctx}>
      <Flex vertical gap={8} data-testid="segment-builder" onKeyDown={keepEscapeInPickers}>
        <NodeEditor node={value} path="root" />
        {value.type !== 'group' && !readOnly && (
          <div>
            <Button
              size="small"
              icon={<BranchesOutlined />}
              data-testid="builder-wrap-root"
              onClick={() => onChange(newGroup('all', [value]))}
            >
              {t('segments.b.wrap')}
            </Button>
          </div>
        )}
      </Flex>
    </BuilderContext.Provider>
  );
}
