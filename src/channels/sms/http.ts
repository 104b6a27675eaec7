/** The one HTTP call each SMS provider makes: a POST with a deadline, the answer or why there was none. */

export type Reply = { kind: 'response'; status: number; text: string } | { kind: 'network'; reason: string };

/** One POST with a deadline over connect, headers and body, in the style of webhook/deliver.ts. */
export async function postOnce(
  url: URL,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
): Promise<Reply> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers,
      body,
      redirect: 'manual',
      signal: controller.signal,
    });
    return { kind: 'response', status: response.status, text: await response.text() };
  } catch (err) {
    if (controller.signal.aborted) return { kind: 'network', reason: `timed out after ${timeoutMs} ms` };
    const cause = err instanceof Error ? err.cause : undefined;
    const code = cause instanceof Error ? (cause as NodeJS.ErrnoException).code : undefined;
    return {
      kind: 'network',
      reason: `network error: ${code ?? (err instanceof Error ? err.message : String(err))}`,
    };
  } finally {
    clearTimeout(timer);
  }
}
