import { useQuery } from '@tanstack/react-query';
import { useCallback } from 'react';
import { keys, settingsApi } from './api';

/**
 * Who did something, by name: the server records `user:<id>` for a console user and the key id
 * for an API key (src/http/route.ts `apiKeyId`). Unknown ids (a key since deleted) show as they are.
 */
export function useActorName(): (actor: string | null | undefined) => string {
  const users = useQuery({ queryKey: keys.users, queryFn: ({ signal }) => settingsApi.users(signal) });
  const apiKeys = useQuery({ queryKey: keys.apiKeys, queryFn: ({ signal }) => settingsApi.apiKeys(signal) });
  return useCallback(
    (actor) => {
      if (!actor) return '—';
      if (actor.startsWith('user:')) {
        const id = actor.slice('user:'.length);
        return users.data?.users.find((u) => u.id === id)?.username ?? actor;
      }
      const key = apiKeys.data?.apiKeys.find((k) => k.id === actor);
      return key ? `${key.name} (API)` : actor;
    },
    [users.data, apiKeys.data],
  );
}

/** A console user's username by id (audit targets of `user.*` actions), or undefined. */
export function useUsername(): (id: string | null | undefined) => string | undefined {
  const users = useQuery({ queryKey: keys.users, queryFn: ({ signal }) => settingsApi.users(signal) });
  return useCallback((id) => users.data?.users.find((u) => u.id === id)?.username, [users.data]);
}
