/**
 * Undo and redo over states of any kind: `commit` records a new state (or, when `coalesce`,
 * replaces the newest one, so a burst of typing is one step), `undo` and `redo` move along.
 * At most `limit` states are kept behind the current one.
 */
export class UndoStack<T> {
  private past: T[] = [];
  private future: T[] = [];

  constructor(
    private current: T,
    private readonly limit = 100,
  ) {}

  get state(): T {
    return this.current;
  }
  get canUndo(): boolean {
    return this.past.length > 0;
  }
  get canRedo(): boolean {
    return this.future.length > 0;
  }

  commit(next: T, coalesce = false): void {
    if (!coalesce) {
      this.past.push(this.current);
      if (this.past.length > this.limit) this.past.shift();
    }
    this.current = next;
    this.future = [];
  }

  undo(): T | null {
    const previous = this.past.pop();
    if (previous === undefined) return null;
    this.future.push(this.current);
    this.current = previous;
    return previous;
  }

  redo(): T | null {
    const next = this.future.pop();
    if (next === undefined) return null;
    this.past.push(this.current);
    this.current = next;
    return next;
  }
}
