import { zoneOffsetMs } from '../platform/time-zone.js';
import { nextWallClock } from './triggers.js';

/**
 * What is checked before every marketing send, as plain functions of the profile's history and
 * the clock (the journey engine calls them; they decide nothing by themselves):
 * - frequency caps across all journeys, overall and per channel, over rolling windows;
 * - quiet hours in the profile's own time zone, which delay a send rather than drop it.
 */

export interface FrequencyCap {
  /** null: all channels together. */
  channel: string | null;
  max: number;
  windowMs: number;
}

export interface PastSend {
  at: number;
  channel: string;
}

export type CapCheck = { allowed: true } | { allowed: false; cap: FrequencyCap; until: number };

/**
 * Whether one more `channel` message at `at` stays within every cap; if not, the earliest time it
 * would (when enough of the counted sends have left the window), for the cap that waits longest.
 */
export function checkCaps(
  caps: readonly FrequencyCap[],
  history: readonly PastSend[],
  channel: string,
  at: number,
): CapCheck {
  let worst: { cap: FrequencyCap; until: number } | null = null;
  for (const cap of caps) {
    if (cap.channel !== null && cap.channel !== channel) continue;
    // A send at s is counted at t when t - windowMs < s <= t.
    const counted = history
      .filter(
        (h) => (cap.channel === null || h.channel === cap.channel) && h.at <= at && h.at > at - cap.windowMs,
      )
      .map((h) => h.at)
      .sort((a, b) => a - b);
    if (counted.length < cap.max) continue;
    // Allowed once only max - 1 remain: when the (len - max + 1)-th oldest leaves the window.
    const until = counted[counted.length - cap.max]! + cap.windowMs;
    if (!worst || until > worst.until) worst = { cap, until };
  }
  return worst ? { allowed: false, ...worst } : { allowed: true };
}

export interface QuietHours {
  /** Local minutes after midnight: quiet from `start` until `end` (wrapping midnight when end < start). */
  start: number;
  end: number;
}

const MINUTE = 60_000;

function quietAt(q: QuietHours, timeZone: string, at: number): boolean {
  const m = Math.floor(
    ((((at + zoneOffsetMs(timeZone, at)) % 86_400_000) + 86_400_000) % 86_400_000) / MINUTE,
  );
  return q.start <= q.end ? m >= q.start && m < q.end : m >= q.start || m < q.end;
}

/**
 * `at` itself when it is not quiet for the profile; otherwise the next moment the quiet hours end
 * in the profile's zone — when the wall clock next reads `end`, counted on the calendar (a day
 * the clocks change is 23 or 25 hours long; an end inside a skipped hour is the first moment
 * after it; in a repeated hour the clock may read `end` a second time).
 */
export function nextSendTime(q: QuietHours, timeZone: string, at: number): number {
  if (q.start === q.end || !quietAt(q, timeZone, at)) return at;
  const hhmm = `${String(Math.floor(q.end / 60)).padStart(2, '0')}:${String(q.end % 60).padStart(2, '0')}`;
  const end = nextWallClock(timeZone, at, hhmm);
  // A clock change on the way can leave the quiet hours sooner: when the clocks go back out of
  // them (or on past their end), the first minute after the change is no longer quiet.
  if (zoneOffsetMs(timeZone, at) === zoneOffsetMs(timeZone, end)) return end;
  let lo = Math.floor(at / MINUTE) * MINUTE;
  let hi = end;
  while (hi - lo > MINUTE) {
    const mid = lo + Math.floor((hi - lo) / (2 * MINUTE)) * MINUTE;
    if (zoneOffsetMs(timeZone, mid) === zoneOffsetMs(timeZone, at)) lo = mid;
    else hi = mid;
  }
  const change = Math.ceil(hi / MINUTE) * MINUTE;
  return change < end && !quietAt(q, timeZone, change) ? change : end;
}
