import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maskValue, PiiView } from './pii.js';

describe('masking personal data', () => {
  it('masks each kind the way people in China expect to read it', () => {
    expect(maskValue('phone', '+8613812345678')).toBe('+86138****5678');
    expect(maskValue('phone', '13812345678')).toBe('138****5678');
    expect(maskValue('phone', '+14155550123')).toBe('+141****0123');
    expect(maskValue('email', 'lin.xiaoming@163.com')).toBe('l***@163.com');
    expect(maskValue('email', 'aa@aa.aa')).toBe('a***@aa.aa');
    expect(maskValue('name', '王小明')).toBe('王**');
    expect(maskValue('name', 'A')).toBe('*');
    expect(maskValue('address', '浙江省杭州市西湖区文三路 90 号')).toBe('浙江省杭州市****');
    expect(maskValue('id', '330106199001011234')).toBe('33****34');
    expect(maskValue('date', '1990-11-21')).toBe('1990-**-**');
    expect(maskValue('date', '--11-21')).toBe('**-**');
    expect(maskValue('none', '13812345678')).toBe('13812345678');
  });

  it('never leaves the middle of a phone, or the local part of an email, readable', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^1[3-9]\d{9}$/), (phone) => {
        // The four middle digits are stars whatever they are (they may repeat the last four:
        // 130 2008 2008), the carrier prefix and the last four stay.
        expect(maskValue('phone', `+86${phone}`)).toBe(`+86${phone.slice(0, 3)}****${phone.slice(-4)}`);
        expect(maskValue('phone', phone)).toBe(`${phone.slice(0, 3)}****${phone.slice(-4)}`);
      }),
    );
    fc.assert(
      fc.property(fc.emailAddress(), (email) => {
        const m = maskValue('email', email) as string;
        const at = email.lastIndexOf('@');
        const local = email.slice(0, at);
        const domain = email.slice(at);
        expect(m.endsWith(domain)).toBe(true);
        // Only the first character of the local part stays, whatever the rest is: looking for the
        // local part in the whole mask failed on aa@aa.aa, whose domain spells it, and would on
        // a local part of stars.
        expect(m).toBe(`${local[0]}***${domain}`);
      }),
    );
  });

  it('masks by field for roles below the configured one, and not for those at or above it', () => {
    const config = { pii: { vip_code: 'id' as const, name: 'none' as const }, piiRole: 'marketer' as const };
    const analyst = PiiView.for('analyst', config);
    const marketer = PiiView.for('marketer', config);
    const traits = {
      phone: '+8613812345678',
      city: '杭州',
      vip_code: 'VIP-000123',
      name: '王小明',
      nested: { email: 'a@b.cn' },
    };
    expect(analyst.fields(traits)).toEqual({
      phone: '+86138****5678',
      city: '杭州',
      vip_code: 'VI****23',
      name: '王小明',
      nested: { email: 'a***@b.cn' },
    });
    expect(marketer.fields(traits)).toBe(traits);
    expect(analyst.identifiers([{ type: 'email', value: 'lin@163.com', events: 3 }])).toEqual([
      { type: 'email', value: 'l***@163.com', events: 3 },
    ]);
    expect(
      analyst.event({
        userId: 'u1',
        traits: { email: 'lin@163.com' },
        context: {
          ip: '10.1.2.3',
          externalIds: [{ type: 'wechat_openid', id: 'oAbcdefgh123' }],
          traits: { phone: '13812345678' },
        },
      }),
    ).toEqual({
      userId: 'u1',
      traits: { email: 'l***@163.com' },
      context: {
        ip: '10****.3',
        externalIds: [{ type: 'wechat_openid', id: 'oA****23' }],
        traits: { phone: '138****5678' },
      },
    });
  });
});
