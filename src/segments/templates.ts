/**
 * Segments from the seeds' examples, created with the demo brand (and a starting point in the
 * console later). Conditions read tags (computed as of the demo's end) and whole histories, so
 * they hold for a demo loaded at any date.
 */
export const SEGMENT_TEMPLATES: ReadonlyArray<{ name: string; description: string; condition: unknown }> = [
  {
    name: '重要价值客户',
    description: 'RFM 三项皆高：重点维护',
    condition: { tag: 'rfm_class', op: 'eq', value: '重要价值客户' },
  },
  {
    name: '沉睡待唤醒',
    description: '91–180 天未购买，曾下过至少 2 单',
    condition: {
      all: [
        { tag: 'lifecycle_stage', op: 'eq', value: '沉睡' },
        { event: 'Order Completed', count: { op: 'gte', value: 2 } },
      ],
    },
  },
  {
    name: '护肤兴趣未复购',
    description: '浏览护肤 3 次以上，且只买过 1 单',
    condition: {
      all: [
        {
          event: 'Product Viewed',
          where: [{ property: 'category', op: 'eq', value: 'skincare' }],
          count: { op: 'gte', value: 3 },
        },
        { event: 'Order Completed', count: { op: 'eq', value: 1 } },
      ],
    },
  },
  {
    name: '加购未下单',
    description: '加购后 1 天内没有下单',
    condition: {
      sequence: [{ event: 'Product Added' }, { event: 'Order Completed' }],
      within: '1d',
      completed: false,
    },
  },
];
