import { MOBILE_PREFIXES } from './data/places.js';
import { labelHash, Permutation } from './prng.js';

/** Phone slots per person: every (person, slot) pair maps to a distinct mobile number. */
export const PHONE_SLOT = { primary: 0, second: 1, replacement: 2, giftee: 3 } as const;
const PHONE_SLOTS = 4;
const SUBSCRIBER_SPACE = 100_000_000;

/**
 * Identifiers derived from a person's index through keyed bijections, so they are unique across
 * all people without any global state (two people never get the same phone, member number,
 * account id or order number unless a hard case says so) and still look random.
 */
export class IdFactory {
  private readonly phonePerm: Permutation;
  private readonly memberPerm: Permutation;
  private readonly userPerm: Permutation;
  private readonly codePerm: Permutation;
  private readonly qqPerm: Permutation;
  private readonly orderPerm: Permutation;

  constructor(seed: number) {
    this.phonePerm = new Permutation(MOBILE_PREFIXES.length * SUBSCRIBER_SPACE, seed ^ labelHash('phone'));
    this.memberPerm = new Permutation(9_000_000_000, seed ^ labelHash('member'));
    this.userPerm = new Permutation(10_000_000_000, seed ^ labelHash('user'));
    this.codePerm = new Permutation(100_000_000, seed ^ labelHash('code'));
    this.qqPerm = new Permutation(900_000_000, seed ^ labelHash('qq'));
    this.orderPerm = new Permutation(1_000_000_000, seed ^ labelHash('order'));
  }

  personId(index: number): string {
    return `per_${String(index).padStart(7, '0')}`;
  }

  /** An 11-digit mainland mobile number, e.g. `13812345678`. */
  phone(index: number, slot: number): string {
    const y = this.phonePerm.apply(index * PHONE_SLOTS + slot);
    const prefix = MOBILE_PREFIXES[Math.floor(y / SUBSCRIBER_SPACE)] ?? '138';
    return prefix + String(y % SUBSCRIBER_SPACE).padStart(8, '0');
  }

  /** CRM member number, e.g. `M4821937561`. */
  memberNo(index: number): string {
    return `M${1_000_000_000 + this.memberPerm.apply(index)}`;
  }

  /** The brand's account id, e.g. `u_1k9x3fa`. */
  userId(index: number): string {
    return `u_${this.userPerm.apply(index).toString(36).padStart(7, '0')}`;
  }

  /** A per-person number that makes e-mail local parts and nicks unique, e.g. `48213977`. */
  code(index: number): string {
    return String(this.codePerm.apply(index));
  }

  qqNumber(index: number): string {
    return String(100_000_000 + this.qqPerm.apply(index));
  }

  /** Nine digits unique per person, used inside order and ticket numbers. */
  orderStem(index: number): string {
    return String(this.orderPerm.apply(index)).padStart(9, '0');
  }
}
