import type { z } from 'zod';
import type { SendOutcome } from '../channel.js';

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

/**
 * A provider's JSON answer in its documented shape, or the failure to report when it is none
 * (a proxy's HTML page, a truncated body): retryable when the HTTP status says so.
 */
export function parseReply<T>(
  status: number,
  text: string,
  schema: z.ZodType<T>,
): { ok: true; data: T } | { ok: false; outcome: SendOutcome } {
  const statusRetryable = retryableStatus(status);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    const reason = `HTTP ${status}, body is not JSON (${String(err)}): ${text.slice(0, 200)}`;
    return { ok: false, outcome: { kind: 'failed', retryable: statusRetryable, reason } };
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const reason = `HTTP ${status}, unexpected response shape: ${text.slice(0, 200)}`;
    return { ok: false, outcome: { kind: 'failed', retryable: statusRetryable, reason } };
  }
  return { ok: true, data: parsed.data };
}

/** Timeouts, throttling and server errors are worth another try. */
export const retryableStatus = (status: number): boolean => status === 408 || status === 429 || status >= 500;

/** Whether a provider's error code is worth retrying, as each provider's code table says. */
export type FailureClass = 'retryable' | 'permanent';

/** A provider's error reply as a send outcome, by the class of its code. */
export function failedWith(verdict: FailureClass, reason: string, code: string): SendOutcome {
  return { kind: 'failed', retryable: verdict === 'retryable', reason, code };
}

/** A message the provider would refuse whatever the moment (no template, a bad number). */
export function permanent(reason: string): SendOutcome {
  return { kind: 'failed', retryable: false, reason };
}
