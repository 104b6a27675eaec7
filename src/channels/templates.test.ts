import { describe, expect, it } from 'vitest';
import { parseTemplate, previewTemplate, renderTemplate, type TemplateContext } from './templates.js';

const context: TemplateContext = {
  profile: {
    id: 'prof_1',
    traits: { name: '王小明', city: '上海', bio: '<script>alert(1)</script>' },
    tags: ['vip', 'high_value'],
    computedTraits: { ltv: 1280.5 },
  },
  event: { name: 'Order Completed', properties: { order_id: 'o_42', total: 99, items: ['茶', '杯'] } },
  links: { unsubscribe: 'https://t.example/u?a=1&b=2' },
};

async function rendered(template: Parameters<typeof renderTemplate>[0], ctx = context) {
  const result = await renderTemplate(template, ctx);
  if (!result.ok) throw new Error(`unexpected problem: ${result.error.message}`);
  return result.value;
}

describe('renderTemplate', () => {
  it('renders traits, tags, computed traits and event properties, Chinese included', async () => {
    const out = await rendered({
      subject: '{{ traits.name }}，您的订单 {{ event.properties.order_id }} 已完成',
      body:
        '{% if tags contains "vip" %}尊贵的会员{% endif %} {{ tags | join: "," }} ' +
        '{{ computed.ltv }} {{ event.properties.items | size }} {{ event.properties.items | first }} {{ event.name }}',
    });
    expect(out.subject).toBe('王小明，您的订单 o_42 已完成');
    expect(out.body).toBe('尊贵的会员 vip,high_value 1280.5 2 茶 Order Completed');
  });

  it('fills missing values with default, in Chinese', async () => {
    const ctx: TemplateContext = { ...context, profile: { ...context.profile, traits: {} } };
    const out = await rendered({ body: '{{ traits.name | default: "亲爱的会员" }}，您好' }, ctx);
    expect(out.body).toBe('亲爱的会员，您好');
    const present = await rendered({ body: '{{ traits.name | default: "亲爱的会员" }}' });
    expect(present.body).toBe('王小明');
  });

  it('escapes a hostile trait in html but not in text', async () => {
    const out = await rendered({
      body: '{{ traits.bio }} {{ links.unsubscribe }}',
      html: '<p>{{ traits.bio }}</p><a href="{{ links.unsubscribe }}">x</a>',
    });
    expect(out.html).toBe(
      '<p>&lt;script&gt;alert(1)&lt;/script&gt;</p><a href="https://t.example/u?a=1&amp;b=2">x</a>',
    );
    expect(out.body).toBe('<script>alert(1)</script> https://t.example/u?a=1&b=2');
  });

  it('renders missing variables as empty without failing', async () => {
    expect((await rendered({ body: '[{{ traits.nope }}][{{ event.properties.nope.deeper }}]' })).body).toBe(
      '[][]',
    );
  });

  it('reports a render that exceeds its time budget as a problem', async () => {
    const result = await renderTemplate(
      { body: '{% for a in (1..100000) %}{% for b in (1..100000) %}x{% endfor %}{% endfor %}' },
      context,
      { renderLimitMs: 50 },
    );
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('template_render');
  });
});

describe('parseTemplate', () => {
  it('reports an unclosed tag with its line and column', () => {
    const result = parseTemplate({ subject: 'ok', body: '第一行\n  {% if traits.vip %}没有结束' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toMatchObject({ code: 'template_syntax', part: 'body', line: 2, column: 3 });
    expect(result.error.message).toMatch(/not closed/);
  });

  it('reports an unknown filter (strict filters) and an unclosed output', () => {
    const filter = parseTemplate({ html: '<p>{{ traits.name | shout }}</p>' });
    expect(filter).toMatchObject({ ok: false, error: { part: 'html', line: 1, column: 4 } });
    if (!filter.ok) expect(filter.error.message).toMatch(/undefined filter: shout/);
    const output = parseTemplate({ subject: 'Hi {{ traits.name' });
    expect(output).toMatchObject({ ok: false, error: { part: 'subject', line: 1, column: 4 } });
  });

  it.each(['{% include "secrets" %}', '{% render "../../etc/passwd" %}', '{% layout "base" %}x'])(
    'refuses %s',
    async (source) => {
      const result = await renderTemplate({ body: source }, context);
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.error).toMatchObject({ code: 'template_syntax', line: 1, column: 1 });
      expect(result.error.message).toMatch(/not allowed/);
    },
  );
});

describe('previewTemplate', () => {
  it('lists missing variables, including those covered by default, and renders the rest', async () => {
    const result = await previewTemplate(
      {
        subject: '{{ traits.name }} {{ traits.nickname | default: "朋友" }}',
        body: '{% assign n = traits.city %}{{ n }} {{ event.properties.coupon }} {{ tags.size }} {{ journey.step }}',
      },
      context,
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.missing).toEqual(['event.properties.coupon', 'journey', 'traits.nickname']);
    expect(result.value.rendered).toEqual({ subject: '王小明 朋友', body: '上海  2 ' });
  });

  it('returns the syntax problem instead of a preview', async () => {
    const result = await previewTemplate({ body: '{% for x in tags %}' }, context);
    expect(result).toMatchObject({ ok: false, error: { code: 'template_syntax', part: 'body' } });
  });
});
