import { describe, expect, it } from 'vitest';
import { evaluate, type FactEvent, type Subject } from '../conditions/index.js';
import { SEGMENT_ENTERED, SEGMENT_EXITED } from '../segments/index.js';
import { compileJourney, matches, type CompiledJourney } from './compiled.js';
import { checkJourney } from './definitions.js';
import { JOURNEY_TEMPLATES } from './templates.js';

/*
 * Journey versions made ready to run: every shipped template compiled after checkJourney, and
 * small definitions for what the templates do not use (filters, exits, tags). Matchers and
 * conditions are tested by what they match, not by their shape alone.
 */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NOW = Date.UTC(2026, 5, 1, 2);
const ctx = { now: NOW, offsetMs: 8 * HOUR };

function compiled(definition: unknown): CompiledJourney {
  const checked = checkJourney(definition);
  if (!checked.ok) throw new Error(JSON.stringify(checked.issues));
  return compileJourney(checked.value);
}

function template(key: string): CompiledJourney {
  return compiled(JOURNEY_TEMPLATES.find((t) => t.key === key)!.definition);
}

let seq = 0;
const fact = (event: string, properties: Record<string, unknown> = {}, ts = NOW): FactEvent => ({
  seq: ++seq,
  event,
  ts,
  properties,
});

const subject = (events: FactEvent[]): Subject => ({
  trait: () => undefined,
  tag: () => undefined,
  events,
});

describe('compileJourney on the shipped templates', () => {
  it('compiles every template, with a send for every send step', () => {
    expect(JOURNEY_TEMPLATES.map((t) => t.key)).toEqual([
      'welcome',
      'abandoned_checkout',
      'winback_90d',
      'birthday_coupon',
      'high_value_care',
    ]);
    for (const t of JOURNEY_TEMPLATES) {
      const c = template(t.key);
      const sendSteps = Object.entries(c.definition.steps)
        .filter(([, s]) => s.kind === 'send')
        .map(([id]) => id);
      expect([...c.sends.keys()].sort()).toEqual(sendSteps.sort());
    }
  });

  it('welcome: Signed Up, a 14-day goal, a split on orders in 3 days, and the traits its templates read', async () => {
    const c = template('welcome');
    expect(c.trigger).toEqual({ events: ['Signed Up'], where: [] });
    expect(matches(c.trigger!, fact('Signed Up'), ctx)).toBe(true);
    expect(matches(c.trigger!, fact('Signed In'), ctx)).toBe(false);
    expect(c.goal).toEqual({ events: ['Order Completed'], where: [], withinMs: 14 * DAY });
    expect(c.cooldownMs).toBe(0);
    expect(c.waits.size).toBe(0); // wait_3d is a plain wait, not a wait for an event

    const bought = c.splits.get('bought')!;
    expect([...c.splits.keys()]).toEqual(['bought']);
    expect(evaluate(bought, subject([fact('Order Completed', {}, NOW - 2 * DAY)]), ctx)).toBe(true);
    expect(evaluate(bought, subject([fact('Order Completed', {}, NOW - 4 * DAY)]), ctx)).toBe(false);
    expect(evaluate(bought, subject([fact('Product Viewed', {}, NOW - HOUR)]), ctx)).toBe(false);

    const email = c.sends.get('welcome_email')!;
    expect(email.traits.sort()).toEqual(['brand', 'name']);
    expect(email.tags).toEqual([]);
    expect(email.params).toBeNull();
    const profile = { id: 'prof_1', traits: { name: '陈默', brand: '青妍' }, tags: {}, computedTraits: {} };
    const rendered = await email.parts.render({ profile });
    expect(rendered).toEqual({
      ok: true,
      value: { subject: '欢迎加入青妍会员', html: '<p>陈默，欢迎你！</p>' },
    });

    const sms = c.sends.get('coupon_sms')!;
    expect(sms.traits).toEqual(['name']);
    expect(Array.isArray(sms.params) && sms.params.length).toBe(1);
    const param = await (sms.params as Array<typeof sms.parts>)[0]!.render({ profile });
    expect(param).toEqual({ ok: true, value: { body: '陈默' } });
  });

  it('abandoned checkout: a wait for the order with its 3-hour timeout, and no traits (the template reads the event)', () => {
    const c = template('abandoned_checkout');
    expect(c.trigger).toEqual({ events: ['Checkout Started'], where: [] });
    expect(c.cooldownMs).toBe(DAY);
    expect(c.goal).toEqual({ events: ['Order Completed'], where: [], withinMs: DAY });
    expect([...c.waits]).toEqual([
      ['wait_order', { events: ['Order Completed'], where: [], timeoutMs: 3 * HOUR }],
    ]);
    expect(matches(c.waits.get('wait_order')!, fact('Order Completed'), ctx)).toBe(true);
    const remind = c.sends.get('remind')!;
    expect(remind.traits).toEqual([]);
    expect(remind.tags).toEqual([]);
  });

  it('winback: no event trigger (a schedule), a split on 90 days without activity, push sends', () => {
    const c = template('winback_90d');
    expect(c.trigger).toBeNull();
    expect(c.goal!.events).toEqual(['Order Completed', 'Application Opened']);
    expect(c.cooldownMs).toBe(30 * DAY);
    const inactive = c.splits.get('inactive')!;
    expect(evaluate(inactive, subject([]), ctx)).toBe(true);
    expect(evaluate(inactive, subject([fact('Page Viewed', {}, NOW - 91 * DAY)]), ctx)).toBe(true);
    expect(evaluate(inactive, subject([fact('Screen Viewed', {}, NOW - 89 * DAY)]), ctx)).toBe(false);
    expect(c.sends.get('push_new')!.traits).toEqual(['name']);
    expect(c.sends.get('push_coupon')!.traits).toEqual([]);
  });

  it('birthday: no event trigger (a date), WeChat params by name reading the name', async () => {
    const c = template('birthday_coupon');
    expect(c.trigger).toBeNull();
    const wechat = c.sends.get('wechat')!;
    expect(wechat.traits).toEqual(['name']);
    expect(Object.keys(wechat.params as object).sort()).toEqual(['first', 'keyword1']);
    const first = await (wechat.params as Record<string, typeof wechat.parts>).first!.render({
      profile: { id: 'p', traits: {}, tags: {}, computedTraits: {} },
    });
    expect(first).toEqual({ ok: true, value: { body: '亲爱的会员，生日快乐！' } });
  });

  it('high-value care: the segment trigger becomes Segment Entered with a segment_id filter', () => {
    const c = template('high_value_care');
    expect(c.trigger).toEqual({
      events: [SEGMENT_ENTERED],
      where: [{ property: 'segment_id', op: 'eq', value: 'high_value_dormant' }],
    });
    expect(SEGMENT_ENTERED).toBe('Segment Entered');
    expect(matches(c.trigger!, fact('Segment Entered', { segment_id: 'high_value_dormant' }), ctx)).toBe(
      true,
    );
    expect(matches(c.trigger!, fact('Segment Entered', { segment_id: 'seg_other' }), ctx)).toBe(false);
    expect(matches(c.trigger!, fact('Segment Exited', { segment_id: 'high_value_dormant' }), ctx)).toBe(
      false,
    );
    expect(c.cooldownMs).toBe(60 * DAY);
  });
});

describe('compileJourney on other definitions', () => {
  const exit = { done: { kind: 'exit' } };

  it('a segment_exited trigger becomes Segment Exited', () => {
    const c = compiled({
      name: 'left',
      trigger: { kind: 'segment_exited', segment: 'seg_vip' },
      start: 'done',
      steps: exit,
    });
    expect(c.trigger).toEqual({
      events: [SEGMENT_EXITED],
      where: [{ property: 'segment_id', op: 'eq', value: 'seg_vip' }],
    });
    expect(SEGMENT_EXITED).toBe('Segment Exited');
  });

  it('parses trigger, wait and goal filters', () => {
    const c = compiled({
      name: 'big orders',
      trigger: {
        kind: 'event',
        event: ['Order Completed', 'Order Paid'],
        where: [{ property: 'total', op: 'gte', value: 500 }],
      },
      goal: { event: 'Review Written', where: [{ property: 'stars', op: 'eq', value: 5 }], within: '2d' },
      start: 'wait',
      steps: {
        wait: {
          kind: 'wait_for_event',
          event: 'Order Shipped',
          where: [{ property: 'carrier.name', op: 'in', value: ['SF', 'JD'] }],
          timeout: '45m',
          next: 'done',
          timeoutNext: 'done',
        },
        ...exit,
      },
    });
    const t = c.trigger!;
    expect(t.events).toEqual(['Order Completed', 'Order Paid']);
    expect(matches(t, fact('Order Paid', { total: 800 }), ctx)).toBe(true);
    expect(matches(t, fact('Order Paid', { total: '800' }), ctx)).toBe(true);
    expect(matches(t, fact('Order Completed', { total: 100 }), ctx)).toBe(false);
    expect(matches(t, fact('Order Completed'), ctx)).toBe(false);
    const w = c.waits.get('wait')!;
    expect(w.timeoutMs).toBe(45 * 60_000);
    expect(matches(w, fact('Order Shipped', { carrier: { name: 'SF' } }), ctx)).toBe(true);
    expect(matches(w, fact('Order Shipped', { carrier: { name: 'EMS' } }), ctx)).toBe(false);
    expect(c.goal!.withinMs).toBe(2 * DAY);
    expect(matches(c.goal!, fact('Review Written', { stars: 5 }), ctx)).toBe(true);
    expect(matches(c.goal!, fact('Review Written', { stars: 4 }), ctx)).toBe(false);
  });

  it('lists the trait and tag keys the templates read, however they are written', () => {
    const c = compiled({
      name: 'keys',
      trigger: { kind: 'event', event: 'Signed Up' },
      start: 'mail',
      steps: {
        mail: {
          kind: 'send',
          channel: 'email',
          template: {
            subject: '{{ profile.traits.city }} {{ traits.name }}',
            body: '{% if tags.rfm_class == "vip" %}{{ tags.level }}{% endif %}{{ event.properties.sku }}',
            html: '{{ traits.name | upcase }}{{ computed.ltv }}{{ profile.tags.segment_x }}',
          },
          next: 'sms',
        },
        sms: {
          kind: 'send',
          channel: 'sms',
          template: { templateId: 'SMS_1', params: { a: '{{ traits.phone_hint }}', b: '{{ tags.coupon }}' } },
          next: 'done',
        },
        ...exit,
      },
    });
    const mail = c.sends.get('mail')!;
    expect(mail.traits.sort()).toEqual(['city', 'name']);
    expect(mail.tags.sort()).toEqual(['level', 'rfm_class', 'segment_x']);
    const sms = c.sends.get('sms')!;
    expect(sms.traits).toEqual(['phone_hint']);
    expect(sms.tags).toEqual(['coupon']);
  });

  it('an entry cooldown is in milliseconds; none is 0', () => {
    const base = { name: 'c', trigger: { kind: 'event', event: 'x' }, start: 'done', steps: exit };
    expect(compiled({ ...base, entry: { reentry: 'always', cooldown: '90m' } }).cooldownMs).toBe(90 * 60_000);
    expect(compiled(base).cooldownMs).toBe(0);
    expect(compiled(base).goal).toBeNull();
  });
});
