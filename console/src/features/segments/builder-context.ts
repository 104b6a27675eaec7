import { createContext, useContext } from 'react';
import type { BuilderOptions } from './builder-options';
import type { TreeNode } from './condition-tree';
import type { IssueCode } from './condition-check';

/** What every node editor of the builder reads: the pickers, the problems, and how to change the tree. */
export interface BuilderContextValue {
  options: BuilderOptions;
  readOnly: boolean;
  /** The segment being edited (it may not refer to itself); null for a new one. */
  selfId: string | null;
  /** Problems the builder found, by node, filter or step id. */
  issues: Map<string, IssueCode[]>;
  /** Problems the server named, by node id. */
  serverIssues: Map<string, string[]>;
  update: (id: string, fn: (n: TreeNode) => TreeNode) => void;
  remove: (id: string) => void;
  move: (id: string, by: -1 | 1) => void;
}

export const BuilderContext = createContext<BuilderContextValue | null>(null);

export function useBuilder(): BuilderContextValue {
  const b = useContext(BuilderContext);
  if (!b) throw new Error('useBuilder outside the condition builder');
  return b;
}
