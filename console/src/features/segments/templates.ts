import type { MessageKey } from '../../i18n';

/**
 * Starting points for a new segment, on the built-in tags (lifecycle, RFM), the built-in
 * purchase traits and the Segment spec's e-commerce events (DESIGN.md "Fixed contract"); the
 * first four are the ones the demo brand creates (src/segments/templates.ts).
 */
export interface SegmentTemplate {
  key: string;
  name: MessageKey;
  description: MessageKey;
  condition: unknown;
}

export const TEMPLATES: readonly SegmentTemplate[] = [
  {
    key: 'champions',
    name: 'segments.tpl.champions',
    description: 'segments.tpl.champions.d',
    condition: { tag: 'rfm_class', op: 'eq', value: '重要价值客户' },
  },
  {
    key: 'dormant',
    name: 'segments.tpl.dormant',
    description: 'segments.tpl.dormant.d',
    condition: {
      all: [
        { tag: 'lifecycle_stage', op: 'eq', value: '沉睡' },
        { event: 'Order Completed', count: { op: 'gte', value: 2 } },
      ],
    },
  },
  {
    key: 'skincare',
    name: 'segments.tpl.skincare',
    description: 'segments.tpl.skincare.d',
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
    key: 'cart',
    name: 'segments.tpl.cart',
    description: 'segments.tpl.cart.d',
    condition: {
      sequence: [{ event: 'Product Added' }, { event: 'Order Completed' }],
      within: '1d',
      completed: false,
    },
  },
  {
    key: 'browsers',
    name: 'segments.tpl.browsers',
    description: 'segments.tpl.browsers.d',
    condition: {
      all: [
        { event: 'Product Viewed', within: '30d', count: { op: 'gte', value: 3 } },
        { event: 'Order Completed', within: '30d', count: { op: 'eq', value: 0 } },
      ],
    },
  },
  {
    key: 'birthday',
    name: 'segments.tpl.birthday',
    description: 'segments.tpl.birthday.d',
    condition: { trait: 'birthday', op: 'birthday_within', value: '7d' },
  },
  {
    key: 'atRisk',
    name: 'segments.tpl.atRisk',
    description: 'segments.tpl.atRisk.d',
    condition: {
      all: [
        { tag: 'rfm_m', op: 'gte', value: 4 },
        { tag: 'lifecycle_stage', op: 'in', value: ['沉睡', '流失'] },
      ],
    },
  },
  {
    key: 'bigSpenders',
    name: 'segments.tpl.bigSpenders',
    description: 'segments.tpl.bigSpenders.d',
    condition: {
      all: [
        { event: 'Order Completed', within: '365d', sum: { property: 'revenue', op: 'gte', value: 2000 } },
        { not: { tag: 'lifecycle_stage', op: 'eq', value: '流失' } },
      ],
    },
  },
];
