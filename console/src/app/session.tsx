import { useQueryClient } from '@tanstack/react-query';
import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
  type ReactNode,
} from 'react';
import { api, ApiError, onUnauthorized, setCsrfToken } from '../api';
import type { AuthAnswer, Role, User } from '../api-types';

/** The answer of `GET /api/v1/auth/me`, as a value (the request starts before React renders). */
export type FirstCheck = Promise<{ ok: true; value: AuthAnswer } | { ok: false; error: unknown }>;

export const checkSession = (): FirstCheck =>
  api.me().then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );

/** Who is signed in to the console, from login or, after a reload, from `GET /api/v1/auth/me`. */
export type SessionState =
  | { status: 'loading' }
  | { status: 'signed-out'; reason: 'none' | 'expired' | 'logged-out' }
  | { status: 'signed-in'; user: User; piiRole: Role }
  | { status: 'error'; error: unknown };

interface Session {
  state: SessionState;
  /** Throws the server's ApiError (wrong password, throttled, …) for the login form to show. */
  login: (username: string, password: string) => Promise<void>;
  logout: () => Promise<void>;
  retry: () => void;
}

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({
  children,
  firstCheck,
}: {
  children: ReactNode;
  firstCheck: FirstCheck;
}): React.JSX.Element {
  const queryClient = useQueryClient();
  const [state, setState] = useState<SessionState>({ status: 'loading' });
  const [check, setCheck] = useState(() => firstCheck);
  const current = useRef(state);
  useEffect(() => {
    current.current = state;
  }, [state]);

  const end = useCallback(
    (reason: 'expired' | 'logged-out') => {
      setCsrfToken(null);
      queryClient.clear();
      setState({ status: 'signed-out', reason });
    },
    [queryClient],
  );

  useEffect(() => {
    let live = true;
    void check.then((r) => {
      if (!live) return;
      if (r.ok) {
        setCsrfToken(r.value.csrfToken);
        setState({ status: 'signed-in', user: r.value.user, piiRole: r.value.piiRole });
      } else if (r.error instanceof ApiError && r.error.status === 401) {
        setState({ status: 'signed-out', reason: 'none' });
      } else setState({ status: 'error', error: r.error });
    });
    return () => {
      live = false;
    };
  }, [check]);

  // Only a session that was open can expire: a 401 of a prefetch made before `auth/me`
  // answered means "not signed in", which that answer says by itself.
  useEffect(() => {
    onUnauthorized(() => {
      if (current.current.status === 'signed-in') end('expired');
    });
    return () => onUnauthorized(null);
  }, [end]);

  const login = useCallback(
    async (username: string, password: string) => {
      const answer = await api.login(username, password);
      setCsrfToken(answer.csrfToken);
      queryClient.clear();
      setState({ status: 'signed-in', user: answer.user, piiRole: answer.piiRole });
    },
    [queryClient],
  );

  const logout = useCallback(async () => {
    try {
      await api.logout();
    } catch (err) {
      // Signed out here either way; a session the server already ended is what we wanted.
      console.warn('logout request failed', err);
    }
    end('logged-out');
  }, [end]);

  const value = useMemo<Session>(
    () => ({
      state,
      login,
      logout,
      retry: () => {
        setState({ status: 'loading' });
        setCheck(checkSession());
      },
    }),
    [state, login, logout],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside SessionProvider');
  return s;
}

/** The least role that sees personal data in the clear in this workspace (signed-in shell only). */
export function usePiiRole(): Role {
  const { state } = useSession();
  if (state.status !== 'signed-in') throw new Error('usePiiRole without a signed-in user');
  return state.piiRole;
}

/** The signed-in user; only for components under the signed-in shell. */
export function useUser(): User {
  const { state } = useSession();
  if (state.status !== 'signed-in') throw new Error('useUser without a signed-in user');
  return state.user;
}
