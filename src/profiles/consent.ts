/**
 * Consent per channel or purpose, as the person's own events say it: `Consent Updated`
 * (`properties.channel` or `.purpose`, `properties.granted`), `Unsubscribed` / `Subscribed`
 * (`properties.channel`), and identify traits `consent: { email: true, sms: false }`. The latest
 * statement per channel wins.
 */

export const CONSENT_EVENTS = ['Consent Updated', 'Unsubscribed', 'Subscribed'] as const;

export interface ConsentFact {
  seq: number;
  ts: number;
  event: string | null;
  sourceId: string | null;
  properties: Record<string, unknown>;
  traits: Record<string, unknown> | null;
}

export interface ConsentState {
  granted: boolean;
  at: string;
  event: string;
  sourceId: string | null;
}

export function consentState(facts: readonly ConsentFact[]): Record<string, ConsentState> {
  const out: Record<string, ConsentState & { ts: number; seq: number }> = {};
  const say = (channel: unknown, granted: unknown, f: ConsentFact, event: string): void => {
    if (typeof channel !== 'string' || channel.length === 0 || typeof granted !== 'boolean') return;
    const cur = out[channel];
    if (cur && (cur.ts > f.ts || (cur.ts === f.ts && cur.seq > f.seq))) return;
    out[channel] = {
      granted,
      at: new Date(f.ts).toISOString(),
      event,
      sourceId: f.sourceId,
      ts: f.ts,
      seq: f.seq,
    };
  };
  for (const f of facts) {
    const p = f.properties;
    if (f.event === 'Consent Updated') say(p.channel ?? p.purpose, p.granted, f, f.event);
    else if (f.event === 'Unsubscribed') say(p.channel, false, f, f.event);
    else if (f.event === 'Subscribed') say(p.channel, true, f, f.event);
    const c = f.traits?.consent;
    if (c !== null && typeof c === 'object' && !Array.isArray(c)) {
      for (const [channel, granted] of Object.entries(c as Record<string, unknown>))
        say(channel, granted, f, 'identify');
    }
  }
  return Object.fromEntries(
    Object.entries(out).map(([k, v]) => [
      k,
      { granted: v.granted, at: v.at, event: v.event, sourceId: v.sourceId },
    ]),
  );
}
