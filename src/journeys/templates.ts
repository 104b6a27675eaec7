/**
 * Journeys from the seeds (营销自动化, 自动化触发, 效果闭环), shipped as templates a marketer
 * enables and tunes. Provider template ids are placeholders the workspace replaces with its own.
 */
export const JOURNEY_TEMPLATES: ReadonlyArray<{ key: string; definition: unknown }> = [
  {
    key: 'welcome',
    definition: {
      name: '新会员欢迎',
      description: '注册当天发欢迎邮件，3 天后未下单再发一张新人券',
      trigger: { kind: 'event', event: 'Signed Up' },
      entry: { reentry: 'never' },
      goal: { event: 'Order Completed', within: '14d' },
      start: 'welcome_email',
      steps: {
        welcome_email: {
          kind: 'send',
          channel: 'email',
          template: {
            subject: '欢迎加入{{ traits.brand | default: "青妍" }}会员',
            html: '<p>{{ traits.name | default: "亲爱的会员" }}，欢迎你！</p>',
          },
          next: 'wait_3d',
        },
        wait_3d: { kind: 'wait', duration: '3d', until: '10:00', next: 'bought' },
        bought: {
          kind: 'split',
          condition: { event: 'Order Completed', within: '3d' },
          yes: 'done',
          no: 'coupon_sms',
        },
        coupon_sms: {
          kind: 'send',
          channel: 'sms',
          template: { templateId: 'SMS_WELCOME_COUPON', params: ['{{ traits.name | default: "会员" }}'] },
          next: 'done',
        },
        done: { kind: 'exit' },
      },
    },
  },
  {
    key: 'abandoned_checkout',
    definition: {
      name: '下单未支付提醒',
      description: '发起结算 3 小时内未完成订单，发短信提醒',
      trigger: { kind: 'event', event: 'Checkout Started' },
      entry: { reentry: 'always', cooldown: '1d' },
      goal: { event: 'Order Completed', within: '1d' },
      start: 'wait_order',
      steps: {
        wait_order: {
          kind: 'wait_for_event',
          event: 'Order Completed',
          timeout: '3h',
          next: 'done',
          timeoutNext: 'remind',
        },
        remind: {
          kind: 'send',
          channel: 'sms',
          template: { templateId: 'SMS_CART_REMINDER', params: ['{{ event.properties.checkout_id }}'] },
          next: 'done',
        },
        done: { kind: 'exit' },
      },
    },
  },
  {
    key: 'winback_90d',
    definition: {
      name: '90 天沉默召回',
      description: '90 天无任何行为，推送召回消息，A/B 测试两种文案并留 10% 对照组',
      trigger: { kind: 'schedule', cron: '0 10 * * *' },
      entry: { reentry: 'after_exit', cooldown: '30d' },
      goal: { event: ['Order Completed', 'Application Opened'], within: '14d' },
      start: 'inactive',
      steps: {
        inactive: {
          kind: 'split',
          condition: {
            event: ['Page Viewed', 'Screen Viewed', 'Product Viewed', 'Order Completed'],
            within: '90d',
            count: { op: 'eq', value: 0 },
          },
          yes: 'ab',
          no: 'done',
        },
        ab: {
          kind: 'ab',
          control: 0.1,
          variants: [
            { name: '新品', weight: 1, next: 'push_new' },
            { name: '优惠', weight: 1, next: 'push_coupon' },
          ],
        },
        push_new: {
          kind: 'send',
          channel: 'push',
          template: { subject: '好久不见', body: '{{ traits.name | default: "你" }}，新品上架了' },
          next: 'done',
        },
        push_coupon: {
          kind: 'send',
          channel: 'push',
          template: { subject: '回来有礼', body: '送你一张 20 元券，7 天内有效' },
          next: 'done',
        },
        done: { kind: 'exit' },
      },
    },
  },
  {
    key: 'birthday_coupon',
    definition: {
      name: '生日礼券',
      description: '生日当天上午 10 点发微信模板消息和生日券',
      trigger: { kind: 'date', trait: 'birthday', offset: '0d', every: 'year', at: '10:00' },
      entry: { reentry: 'always' },
      goal: { event: 'Coupon Redeemed', within: '7d' },
      start: 'wechat',
      steps: {
        wechat: {
          kind: 'send',
          channel: 'wechat',
          template: {
            templateId: 'TM_BIRTHDAY',
            params: {
              first: '{{ traits.name | default: "亲爱的会员" }}，生日快乐！',
              keyword1: '生日专享券',
            },
          },
          next: 'tag',
        },
        tag: {
          kind: 'update',
          set: { kind: 'trait', key: 'birthday_coupon_sent', value: true },
          next: 'done',
        },
        done: { kind: 'exit' },
      },
    },
  },
  {
    key: 'high_value_care',
    definition: {
      name: '高价值沉睡关怀',
      description: '重要价值/保持客户进入沉睡期，发微信关怀消息和专属券',
      // The segment is the workspace's own: `{ "template": "high_value_care", "segment": "seg_…" }`.
      trigger: { kind: 'segment_entered', segment: 'high_value_dormant' },
      entry: { reentry: 'after_exit', cooldown: '60d' },
      goal: { event: 'Order Completed', within: '30d' },
      start: 'care',
      steps: {
        care: {
          kind: 'send',
          channel: 'wechat',
          template: {
            templateId: 'TM_CARE',
            params: { first: '{{ traits.name | default: "尊敬的会员" }}，好久不见', keyword1: '专属 8 折券' },
          },
          next: 'done',
        },
        done: { kind: 'exit' },
      },
    },
  },
];
