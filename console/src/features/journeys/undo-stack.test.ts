import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UndoStack } from './undo-stack';

type Op = { kind: 'commit'; value: number; coalesce: boolean } | { kind: 'undo' } | { kind: 'redo' };

/** The plain model: every state in a list and where we are in it. */
class Reference {
  states: number[];
  at = 0;
  constructor(
    first: number,
    private readonly limit: number,
  ) {
    this.states = [first];
  }
  apply(op: Op): void {
    if (op.kind === 'undo') this.at = Math.max(0, this.at - 1);
    else if (op.kind === 'redo') this.at = Math.min(this.states.length - 1, this.at + 1);
    else if (op.coalesce) {
      this.states = [...this.states.slice(0, this.at), op.value];
    } else {
      this.states = [...this.states.slice(0, this.at + 1), op.value];
      this.at += 1;
      if (this.at > this.limit) {
        this.states.shift();
        this.at -= 1;
      }
    }
  }
}

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('commit' as const), value: fc.integer(), coalesce: fc.boolean() }),
  fc.constant({ kind: 'undo' as const }),
  fc.constant({ kind: 'redo' as const }),
);

describe('UndoStack', () => {
  it('moves through its states as a plain list with a cursor does', () => {
    fc.assert(
      fc.property(
        fc.integer(),
        fc.integer({ min: 1, max: 6 }),
        fc.array(op, { maxLength: 60 }),
        (first, limit, ops) => {
          const stack = new UndoStack(first, limit);
          const ref = new Reference(first, limit);
          for (const o of ops) {
            const could =
              o.kind === 'undo' ? ref.at > 0 : o.kind === 'redo' ? ref.at < ref.states.length - 1 : true;
            const moved = o.kind === 'undo' ? stack.undo() : o.kind === 'redo' ? stack.redo() : null;
            if (o.kind === 'commit') stack.commit(o.value, o.coalesce);
            ref.apply(o);
            expect(stack.state).toBe(ref.states[ref.at]);
            expect(stack.canUndo).toBe(ref.at > 0);
            expect(stack.canRedo).toBe(ref.at < ref.states.length - 1);
            // undo and redo answer the state they moved to, or null when there was none.
            if (o.kind !== 'commit') expect(moved).toBe(could ? stack.state : null);
          }
        },
      ),
    );
  });

  it('undoes a burst of coalesced edits in one step', () => {
    const stack = new UndoStack('a');
    stack.commit('ab');
    stack.commit('abc', true);
    stack.commit('abcd', true);
    expect(stack.undo()).toBe('a');
    expect(stack.redo()).toBe('abcd');
    expect(stack.redo()).toBeNull();
  });
});
