import { useQuery } from '@tanstack/react-query';
import { api } from '../../api';
import { useUser } from '../../app/session';

/**
 * Who made a version: the server records `user:<id>` for console users (and an API key's id or
 * `demo` otherwise). Admins can list users, so they see names; others see the raw actor.
 */
export function useActorName(): (actor: string | null) => string {
  const me = useUser();
  const users = useQuery({
    queryKey: ['segments', 'users'],
    queryFn: ({ signal }) => api.users(signal),
    enabled: me.role === 'admin',
    staleTime: 5 * 60_000,
  });
  return (actor) => {
    if (!actor) return '—';
    const id = actor.startsWith('user:') ? actor.slice(5) : actor;
    if (id === me.id) return me.displayName || me.username;
    const u = users.data?.users.find((x) => x.id === id);
    return u ? u.displayName || u.username : actor;
  };
}
