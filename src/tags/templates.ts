import type { TagDefinitionInput, TraitDefinitionInput } from './definitions.js';

/**
 * Built-in computed traits and tags: installed on first start as version 1 and tuned by the
 * marketer like any other definition (an update is a new version). The keys `lifecycle_stage`,
 * `rfm_r`, `rfm_f`, `rfm_m`, `rfm_class` and their default thresholds are DESIGN.md's fixed contract.
 */

const by = 'tessera';

export const BUILTIN_TRAITS: TraitDefinitionInput[] = [
  {
    key: 'orders',
    name: { 'zh-CN': '购买次数', en: 'Orders' },
    description: 'Completed orders (once per order id), less those the person refunded, all time.',
    owner: by,
    spec: { kind: 'purchases', metric: 'orders' },
  },
  {
    key: 'total_revenue',
    name: { 'zh-CN': '累计消费金额', en: 'Total spend' },
    description: 'Sum of revenue (or total) of the counted orders.',
    owner: by,
    spec: { kind: 'purchases', metric: 'revenue' },
  },
  {
    key: 'aov',
    name: { 'zh-CN': '客单价', en: 'Average order value' },
    description: 'Total spend / orders, for buyers.',
    owner: by,
    spec: { kind: 'purchases', metric: 'aov' },
  },
  {
    key: 'first_order_at',
    name: { 'zh-CN': '首次购买时间', en: 'First order at' },
    owner: by,
    spec: { kind: 'purchases', metric: 'first_order_at' },
  },
  {
    key: 'last_order_at',
    name: { 'zh-CN': '最近购买时间', en: 'Last order at' },
    owner: by,
    spec: { kind: 'purchases', metric: 'last_order_at' },
  },
  {
    key: 'repurchases',
    name: { 'zh-CN': '复购次数', en: 'Repeat purchases' },
    description: 'Orders after the first.',
    owner: by,
    spec: { kind: 'purchases', metric: 'repurchases' },
  },
  {
    key: 'days_since_last_order',
    name: { 'zh-CN': '距最近购买天数', en: 'Days since last order' },
    owner: by,
    spec: { kind: 'purchases', metric: 'days_since_last_order' },
  },
  {
    key: 'favourite_hour',
    name: { 'zh-CN': '最活跃时段（小时）', en: 'Most active hour' },
    description: 'The local hour with the most events in the last 90 days.',
    owner: by,
    spec: { kind: 'aggregate', aggregate: { fn: 'most_frequent', property: '$hour', within: '90d' } },
  },
  {
    key: 'preferred_channel',
    name: { 'zh-CN': '偏好渠道', en: 'Preferred channel' },
    description:
      'The channel (web, app, miniprogram, tmall, a store…) with the most events in the last 90 days.',
    owner: by,
    spec: { kind: 'aggregate', aggregate: { fn: 'most_frequent', property: '$channel', within: '90d' } },
  },
  {
    key: 'favourite_category',
    name: { 'zh-CN': '最常购买品类', en: 'Favourite category' },
    description: 'The category with the most order lines, all time.',
    owner: by,
    spec: {
      kind: 'aggregate',
      aggregate: { fn: 'most_frequent', event: 'Order Completed', property: '$categories' },
    },
  },
  {
    key: 'events_30d',
    name: { 'zh-CN': '近30天行为次数', en: 'Events in 30 days' },
    owner: by,
    spec: { kind: 'aggregate', aggregate: { fn: 'count', within: '30d' } },
  },
];

export const BUILTIN_TAGS: TagDefinitionInput[] = [
  {
    key: 'lifecycle_stage',
    name: { 'zh-CN': '生命周期阶段', en: 'Lifecycle stage' },
    category: 'lifecycle',
    description:
      '潜客 never bought; 新客 one purchase at most newDays ago; 活跃 last purchase at most activeDays ago; 沉睡 at most dormantDays; 流失 longer.',
    owner: by,
    spec: { kind: 'model', model: 'lifecycle', newDays: 30, activeDays: 90, dormantDays: 180 },
  },
  ...(['r', 'f', 'm'] as const).map((part): TagDefinitionInput => ({
    key: `rfm_${part}`,
    name: {
      'zh-CN': { r: 'R 最近一次消费', f: 'F 消费频次', m: 'M 消费金额' }[part],
      en: { r: 'RFM recency score', f: 'RFM frequency score', m: 'RFM monetary score' }[part],
    },
    category: 'value',
    description:
      'Quintile of the percent rank among buyers: 1 + ⌊5 (rank − 1) / (buyers − 1)⌋, at most 5 (5 best); equal values share a score.',
    owner: by,
    spec: { kind: 'model', model: 'rfm_score', part },
  })),
  {
    key: 'rfm_class',
    name: { 'zh-CN': 'RFM 客户分类', en: 'RFM class' },
    category: 'value',
    description: 'The eight classic RFM classes; high means a score of at least `high` (3).',
    owner: by,
    spec: { kind: 'model', model: 'rfm_class', high: 3 },
  },
  {
    key: 'aov_band',
    name: { 'zh-CN': '客单价分层', en: 'AOV band' },
    category: 'transaction',
    owner: by,
    spec: {
      kind: 'range',
      of: { trait: 'aov' },
      ranges: [
        { value: '低客单', max: 100 },
        { value: '中客单', min: 100, max: 300 },
        { value: '高客单', min: 300, max: 800 },
        { value: '超高客单', min: 800 },
      ],
    },
  },
  {
    key: 'repurchase_count',
    name: { 'zh-CN': '复购次数', en: 'Repurchase count' },
    category: 'transaction',
    owner: by,
    spec: { kind: 'computed', of: { trait: 'repurchases' } },
  },
  {
    key: 'spend_top10',
    name: { 'zh-CN': '消费金额前10%', en: 'Top 10% by spend' },
    category: 'value',
    owner: by,
    spec: { kind: 'model', model: 'top_share', of: { trait: 'total_revenue' }, share: 0.1 },
  },
  {
    key: 'top_viewed_categories_30d',
    name: { 'zh-CN': '近30天浏览偏好品类', en: 'Top viewed categories (30 d)' },
    category: 'interest',
    owner: by,
    spec: {
      kind: 'computed',
      of: {
        aggregate: { fn: 'top', event: 'Product Viewed', property: 'category', within: '30d', limit: 3 },
      },
    },
  },
  {
    key: 'top_bought_categories_30d',
    name: { 'zh-CN': '近30天购买偏好品类', en: 'Top bought categories (30 d)' },
    category: 'interest',
    owner: by,
    spec: {
      kind: 'computed',
      of: {
        aggregate: { fn: 'top', event: 'Order Completed', property: '$categories', within: '30d', limit: 3 },
      },
    },
  },
  {
    key: 'categories_viewed_3x_30d',
    name: { 'zh-CN': '近30天浏览≥3次的品类', en: 'Categories viewed 3+ times (30 d)' },
    category: 'interest',
    owner: by,
    spec: {
      kind: 'computed',
      of: {
        aggregate: {
          fn: 'top',
          event: 'Product Viewed',
          property: 'category',
          within: '30d',
          minCount: 3,
          limit: 10,
        },
      },
    },
  },
  {
    key: 'active_time',
    name: { 'zh-CN': '活跃时段', en: 'Active time of day' },
    category: 'behaviour',
    owner: by,
    spec: {
      kind: 'range',
      of: { trait: 'favourite_hour' },
      ranges: [
        { value: '深夜', min: 0, max: 6 },
        { value: '上午', min: 6, max: 12 },
        { value: '下午', min: 12, max: 18 },
        { value: '晚上', min: 18, max: 24 },
      ],
    },
  },
  {
    key: 'preferred_channel',
    name: { 'zh-CN': '偏好渠道', en: 'Preferred channel' },
    category: 'interest',
    owner: by,
    spec: { kind: 'computed', of: { trait: 'preferred_channel' } },
  },
];
