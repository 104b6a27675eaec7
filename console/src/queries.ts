import { QueryClient, queryOptions } from '@tanstack/react-query';
import { api, ApiError } from './api';

/** The one query cache of the console. */
export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 30_000,
      refetchOnWindowFocus: false,
      // A 4xx will answer the same again; a network blip or a 5xx may not.
      retry: (failures, err) =>
        !(err instanceof ApiError && err.status >= 400 && err.status < 500) && failures < 2,
    },
  },
});

/**
 * Reads shared by a page and the start-up prefetch: the same key and function, so the page finds
 * the answer already in the cache (or in flight) when it first renders.
 */
export const overviewQuery = queryOptions({
  queryKey: ['overview'],
  queryFn: ({ signal }) => api.overview(signal),
});

export const sourcesQuery = queryOptions({
  queryKey: ['sources'],
  queryFn: ({ signal }) => api.sources(signal),
});

/** What the page at a path reads first, fetched while the session is still being checked. */
export function prefetchFor(pathname: string): void {
  if (pathname === '/') void queryClient.prefetchQuery(overviewQuery);
  else if (pathname === '/sources') void queryClient.prefetchQuery(sourcesQuery);
}
