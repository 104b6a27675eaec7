/**
 * The demo brand's output records. Their shapes are a fixed contract (other code parses the
 * files), so column lists are exported as constants and rows are keyed by the exact header.
 */

/** A Segment-spec message (https://segment.com/docs/connections/spec/common/). */
export interface SegmentMessage {
  type: 'track' | 'identify' | 'page' | 'screen';
  messageId: string;
  /** ISO 8601 with offset (`2025-05-07T16:49:30.123+08:00`) — or garbage in an invalid record. */
  timestamp: string;
  sentAt?: string;
  userId?: string;
  anonymousId?: string;
  /** Track calls only. */
  event?: string;
  /** Page and screen calls only. */
  name?: string;
  properties?: Record<string, unknown>;
  /** Identify calls only. */
  traits?: Record<string, unknown>;
  context: SegmentContext;
}

export interface ExternalId {
  type: 'wechat_openid' | 'wechat_unionid' | 'member_no' | 'taobao_id';
  id: string;
  collection: 'users';
  encoding: 'none';
}

export interface SegmentContext {
  library: { name: string; version: string };
  ip?: string;
  userAgent?: string;
  device?: { id?: string; type: string; manufacturer: string; model: string };
  os?: { name: string; version: string };
  app?: { name: string; version: string; build: string; namespace: string };
  page?: { path: string; referrer: string; search: string; title: string; url: string };
  campaign?: { source: string; medium: string; name: string; content?: string; term?: string };
  traits?: { phone?: string; email?: string };
  externalIds?: ExternalId[];
  locale?: string;
  timezone?: string;
}

export const CRM_MEMBER_COLUMNS = [
  'member_no',
  'name',
  'phone',
  'email',
  'gender',
  'birthday',
  'province',
  'city',
  'registered_at',
  'level',
  'points',
  'wechat_unionid',
] as const;
export type CrmMemberRow = Record<(typeof CRM_MEMBER_COLUMNS)[number], string>;

export const POS_ORDER_COLUMNS = [
  'order_id',
  'order_time',
  'member_no',
  'phone',
  'email',
  'user_id',
  'status',
  'total',
  'currency',
  'channel',
  'store_code',
  'item_count',
  'skus',
  'categories',
  'product_names',
] as const;
export type PosOrderRow = Record<(typeof POS_ORDER_COLUMNS)[number], string>;

/** The Taobao/Tmall seller centre order report (订单报表) header, in its own order. */
export const TMALL_ORDER_COLUMNS = [
  '订单编号',
  '买家会员名',
  '买家应付货款',
  '买家应付邮费',
  '总金额',
  '买家实际支付金额',
  '订单状态',
  '买家留言',
  '收货人姓名',
  '收货地址',
  '运送方式',
  '联系电话',
  '联系手机',
  '订单创建时间',
  '订单付款时间',
  '宝贝标题',
  '宝贝种类',
  '物流单号',
  '物流公司',
  '订单备注',
  '宝贝总数量',
  '店铺Id',
  '店铺名称',
  '订单关闭原因',
] as const;
export type TmallOrderRow = Record<(typeof TMALL_ORDER_COLUMNS)[number], string>;

export const GROUND_TRUTH_COLUMNS = ['file', 'record_key', 'person_id', 'hard_case'] as const;
export type GroundTruthRow = Record<(typeof GROUND_TRUTH_COLUMNS)[number], string>;

export const PEOPLE_COLUMNS = [
  'person_id',
  'name',
  'gender',
  'birthday',
  'province',
  'city',
  'phones',
  'emails',
  'lifecycle',
  'segment_archetype',
  'first_purchase_at',
  'last_purchase_at',
  'orders',
  'revenue',
  'favourite_category',
] as const;
export type PersonRow = Record<(typeof PEOPLE_COLUMNS)[number], string>;

export const DEMO_FILES = {
  events: 'events.jsonl',
  tickets: 'service_tickets.jsonl',
  crmMembers: 'crm_members.csv',
  posOrders: 'pos_orders.csv',
  tmallOrders: 'tmall_orders.csv',
  groundTruth: 'ground_truth.csv',
  people: 'people.csv',
  manifest: 'manifest.json',
} as const;
export type DemoFileName = (typeof DEMO_FILES)[keyof typeof DEMO_FILES];

/** Hard-case tags written in `ground_truth.csv` (`|`-separated). */
export const HARD_CASE_TAGS = [
  'shared_device',
  'recycled_phone',
  'second_phone',
  'typo_name',
  'typo_phone',
  'typo_address',
  'fullwidth',
  'missing_field',
  'masked_phone',
  'gift_shipping',
  'duplicate_delivery',
  'late',
  'out_of_order',
  'invalid',
] as const;
export type HardCaseTag = (typeof HARD_CASE_TAGS)[number];

/** Behaviour archetypes the generator draws people from (`people.csv` `segment_archetype`). */
export const ARCHETYPES = ['browser', 'one_time', 'repeat', 'loyal', 'promo_hunter', 'lapsed'] as const;
export type Archetype = (typeof ARCHETYPES)[number];

/** Lifecycle stages as the built-in `lifecycle_stage` tag names them (default thresholds). */
export const LIFECYCLE_STAGES = ['潜客', '新客', '活跃', '沉睡', '流失'] as const;
export type LifecycleStage = (typeof LIFECYCLE_STAGES)[number];

/**
 * Where generated records go. Every method receives a batch; the generator awaits each call before
 * producing more, so a sink applies backpressure simply by returning a promise that resolves
 * when it can take more. Batches of one file arrive in output order.
 */
export interface DemoSink {
  events(messages: readonly SegmentMessage[]): Promise<void> | void;
  tickets(messages: readonly SegmentMessage[]): Promise<void> | void;
  crmMembers(rows: readonly CrmMemberRow[]): Promise<void> | void;
  posOrders(rows: readonly PosOrderRow[]): Promise<void> | void;
  tmallOrders(rows: readonly TmallOrderRow[]): Promise<void> | void;
  groundTruth(rows: readonly GroundTruthRow[]): Promise<void> | void;
  people(rows: readonly PersonRow[]): Promise<void> | void;
  /** Called once at the end with the manifest; a file sink writes it and closes its files. */
  close(manifest: DemoManifest): Promise<void> | void;
}

export interface DemoProgress {
  people: number;
  events: number;
}

/** Numerator and denominator of one produced hard-case share. */
export interface ProducedShare {
  count: number;
  of: number;
  share: number;
  /** What `of` counts, e.g. "people" or "valid CRM, POS and Tmall rows". */
  unit: string;
}

export interface DemoManifest {
  generator: 'tessera-demo';
  version: 1;
  seed: number;
  people: number;
  /** End of the simulated period (ISO 8601, +08:00). */
  asOf: string;
  /** Start of the simulated period: two years before `asOf`. */
  periodStart: string;
  files: typeof DEMO_FILES;
  counts: {
    events: number;
    eventLines: number;
    tickets: number;
    crmMembers: number;
    posOrders: number;
    tmallOrders: number;
    groundTruth: number;
    people: number;
  };
  proportions: {
    configured: Record<string, number>;
    produced: Record<string, ProducedShare>;
  };
}

export interface DemoSummary {
  manifest: DemoManifest;
  elapsedMs: number;
}
