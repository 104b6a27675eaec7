import { describe, expect, it } from 'vitest';
import { checkJourney } from './definitions.js';
import { JOURNEY_TEMPLATES } from './templates.js';

const base = {
  name: 't',
  trigger: { kind: 'event', event: 'Signed Up' },
  start: 'a',
};

describe('journey definitions', () => {
  it('accepts every shipped template', () => {
    for (const t of JOURNEY_TEMPLATES) {
      const r = checkJourney(t.definition);
      expect({ key: t.key, issues: r.ok ? [] : r.issues }).toEqual({ key: t.key, issues: [] });
    }
  });

  it('names each problem of the graph by its path', () => {
    const cases: Array<[Record<string, unknown>, string, RegExp]> = [
      [
        { steps: { a: { kind: 'wait', duration: '1d', next: 'b' } } },
        'journey.steps.a',
        /b, which is no step/,
      ],
      [{ steps: { a: { kind: 'exit' }, b: { kind: 'exit' } } }, 'journey.steps.b', /no path from the start/],
      [
        {
          steps: {
            a: { kind: 'split', condition: { trait: 'x', op: 'eq', value: 1 }, yes: 'b', no: 'a' },
            b: { kind: 'exit' },
          },
        },
        'journey.steps.a',
        /never waits/,
      ],
      [
        {
          steps: {
            a: { kind: 'split', condition: { trait: 'x', op: 'gte' }, yes: 'b', no: 'b' },
            b: { kind: 'exit' },
          },
        },
        'journey.steps.a.condition.value',
        /takes a number or a string/,
      ],
      [
        {
          steps: {
            a: { kind: 'send', channel: 'email', template: { subject: 'Hi {{ traits.name ' } },
            b: { kind: 'exit' },
          },
        },
        'journey.steps.a.template.subject',
        /line 1/,
      ],
      [
        { steps: { a: { kind: 'send', channel: 'sms', template: { body: 'x' } } } },
        'journey.steps.a.template.templateId',
        /provider template id/,
      ],
      [{ steps: { a: { kind: 'wait', next: 'a' } } }, 'journey.steps.a', /duration, a time of day/],
      [{ start: 'zz', steps: { a: { kind: 'exit' } } }, 'journey.start', /no step zz/],
      [
        { steps: { a: { kind: 'wait', duration: '3 days', next: 'a' } } },
        'journey.steps.a.duration',
        /duration such as/,
      ],
    ];
    for (const [patch, path, message] of cases) {
      const r = checkJourney({ ...base, ...patch });
      expect(r.ok).toBe(false);
      if (r.ok) continue;
      const hit = r.issues.find((i) => i.path === path);
      expect({
        patch,
        issues: r.issues,
        found: hit !== undefined && message.test(hit.message),
      }).toMatchObject({ found: true });
    }
  });

  it('allows a loop that waits (a weekly reminder until the goal)', () => {
    const r = checkJourney({
      ...base,
      steps: {
        a: { kind: 'send', channel: 'push', template: { body: 'hi' }, next: 'w' },
        w: { kind: 'wait', duration: '7d', next: 'a' },
      },
    });
    expect(r.ok).toBe(true);
  });
});
