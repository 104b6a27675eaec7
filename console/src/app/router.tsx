import { App } from 'antd';
import { useEffect, useRef, useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent } from 'react';

/**
 * A small history router: the location is an external store (`popstate` plus our own pushes),
 * paths are matched against patterns with `:name` segments. The server answers every console
 * path with index.html, so deep links and reloads work.
 *
 * Pages with unsaved edits register a blocker (`useNavigationBlocker`): leaving the page, by
 * `navigate`, a `Link` or the browser's Back and Forward buttons, asks first. Only a change of
 * path asks; a query change (a tab of the same page) keeps the page and its edits.
 */

const listeners = new Set<() => void>();

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

const snapshot = (): string => window.location.pathname + window.location.search;
const pathOf = (to: string): string => new URL(to, window.location.origin).pathname;

/** Asks whether to leave; resolves true to leave. */
type Ask = () => Promise<boolean>;
const blockers = new Set<{ ask: Ask }>();
let asking: Promise<boolean> | null = null;

/** Every registered blocker agrees to leave (asked one after another, one dialog at a time). */
function confirmLeave(): Promise<boolean> {
  asking ??= (async () => {
    try {
      for (const b of [...blockers]) if (!(await b.ask())) return false;
      return true;
    } finally {
      asking = null;
    }
  })();
  return asking;
}

const guarded = (to: string): boolean => blockers.size > 0 && pathOf(to) !== window.location.pathname;

function notify(): void {
  for (const l of listeners) l();
}

function go(to: string, replace: boolean): void {
  if (replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  notify();
}

/**
 * Goes to `to` in the app. With a blocker registered and a different path, the user is asked
 * first; `force` skips that (after a save, when the edits are safe).
 */
export function navigate(to: string, options: { replace?: boolean; force?: boolean } = {}): void {
  if (to === snapshot()) return;
  if (options.force || !guarded(to)) return go(to, options.replace ?? false);
  void confirmLeave().then((leave) => {
    if (leave) go(to, options.replace ?? false);
  });
}

// The location the app shows, so that a Back or Forward press can be undone while asking.
let shown = snapshot();
let passNext = false;
const syncShown = () => {
  shown = snapshot();
};
listeners.add(syncShown);

window.addEventListener('popstate', () => {
  const to = snapshot();
  if (passNext || blockers.size === 0 || pathOf(to) === pathOf(shown)) {
    passNext = false;
    notify();
    return;
  }
  // The browser has moved already: put the page's URL back (the entry it left is dropped or
  // replaced), and only go on once the user agrees, by stepping back to where they were going.
  const from = shown;
  window.history.pushState(null, '', from);
  void confirmLeave().then((leave) => {
    if (!leave) return;
    passNext = true;
    window.history.back();
  });
});

/**
 * While `when` holds, leaving the page asks `message` (a confirm dialog: leave or stay), and
 * closing or reloading the tab gets the browser's own warning.
 */
export function useNavigationBlocker(
  when: boolean,
  message: string,
  options: { title?: string; okText?: string; cancelText?: string } = {},
): void {
  const { modal } = App.useApp();
  const text = useRef({ message, ...options });
  useEffect(() => {
    text.current = { message, ...options };
  });
  useEffect(() => {
    if (!when) return;
    const blocker = {
      ask: () =>
        new Promise<boolean>((resolve) => {
          const { message: content, title, okText, cancelText } = text.current;
          modal.confirm({
            title: title ?? content,
            content: title ? content : undefined,
            okText,
            cancelText,
            okButtonProps: { danger: true },
            onOk: () => resolve(true),
            onCancel: () => resolve(false),
          });
        }),
    };
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    blockers.add(blocker);
    window.addEventListener('beforeunload', warn);
    return () => {
      blockers.delete(blocker);
      window.removeEventListener('beforeunload', warn);
    };
  }, [when, modal]);
}

/** The current path with its query string (`/people?q=…`). */
export function useLocation(): { pathname: string; search: URLSearchParams } {
  const current = useSyncExternalStore(subscribe, snapshot);
  const q = current.indexOf('?');
  return {
    pathname: q < 0 ? current : current.slice(0, q),
    search: new URLSearchParams(q < 0 ? '' : current.slice(q)),
  };
}

/** The parameters of `path` under `pattern` (`/people/:id`), or null when it does not match. */
export function matchPath(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split('/').filter(Boolean);
  const have = path.split('/').filter(Boolean);
  if (want.length !== have.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!;
    const h = have[i]!;
    if (w.startsWith(':')) params[w.slice(1)] = decodeURIComponent(h);
    else if (w !== h) return null;
  }
  return params;
}

/** An anchor that navigates in-app on a plain click and behaves as a link otherwise (new tab, copy). */
export function Link({
  to,
  onClick,
  ...rest
}: { to: string } & AnchorHTMLAttributes<HTMLAnchorElement>): React.JSX.Element {
  const handle = (e: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(e);
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(to);
  };
  return <a href={to} onClick={handle} {...rest} />;
}
