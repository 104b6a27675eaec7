import { useUser } from '../../app/session';

/**
 * Who stored a version: the server names console users `user:<id>` and API keys by id; the
 * signed-in user is shown by name (other users' names need the admin-only users list).
 */
export function useActorName(): (by: string | null) => string {
  const user = useUser();
  return (by) =>
    by === null ? '—' : by === `user:${user.id}` ? `${user.displayName} (${user.username})` : by;
}
