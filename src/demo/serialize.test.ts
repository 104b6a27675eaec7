import { describe, expect, it } from 'vitest';
import { ByteWriter } from './byte-writer.js';
import { markShared, MessageSerializer, quote, withPage } from './serialize.js';
import type { SegmentContext, SegmentMessage } from './types.js';

describe('MessageSerializer', () => {
  const base: SegmentContext = {
    library: { name: 'analytics.js', version: 'next-1.72.0' },
    ip: '1.2.3.4',
    device: { type: 'mobile', manufacturer: 'Apple', model: 'iPhone' },
  };
  const page = { path: '/p', referrer: '', search: '?q=精华', title: '玻尿酸 "精华"', url: 'https://x/p' };
  const shared = { product_id: 'qy-sk001', name: '玻尿酸保湿精华', price: 299 };
  markShared(shared);
  const context = withPage(base, page);
  const { device: _device, ...withoutDevice } = context;
  const messages: SegmentMessage[] = [
    {
      type: 'page',
      name: 'Product',
      messageId: 'm1',
      timestamp: 't',
      sentAt: 's',
      anonymousId: 'a',
      properties: page,
      context,
    },
    {
      type: 'track',
      event: 'Product Viewed',
      messageId: 'm2',
      timestamp: 't',
      userId: 'u',
      properties: shared,
      context,
    },
    {
      type: 'track',
      event: 'Product Added',
      messageId: 'm3',
      timestamp: 't',
      properties: { ...shared, quantity: 2 },
      context,
    },
    {
      type: 'identify',
      messageId: 'm4',
      timestamp: 'bad\n"ts"',
      userId: 'u',
      traits: { name: '李静', phone: '12345' },
      context: base,
    },
    // An altered copy of a page context is a plain object again.
    { type: 'track', messageId: 'm5', timestamp: 't', properties: {}, context: { ...withoutDevice } },
  ];

  it('writes exactly what JSON.stringify writes, one message per line', () => {
    const w = new ByteWriter();
    const serializer = new MessageSerializer();
    w.appendMessages(serializer, messages);
    w.appendMessages(serializer, messages);
    const lines = w.take().toString('utf8').split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toEqual([...messages, ...messages].map((m) => JSON.stringify(m)));
  });

  it('hides its bookkeeping from JSON and from copies', () => {
    expect(JSON.parse(JSON.stringify(context))).toEqual({ ...base, page });
    expect(Object.keys(shared)).toEqual(['product_id', 'name', 'price']);
  });

  it('quotes strings as JSON does', () => {
    for (const s of ['plain', 'with "quotes"', 'back\\slash', 'line\nbreak', '中文', '']) {
      expect(quote(s)).toBe(JSON.stringify(s));
    }
  });
});
