import { assertNever } from '../../platform/errors.js';
import { readDateInput } from './date-input.js';
import { describe, invalid, valid, type Normalised } from './normalised.js';
import { localToEpoch, wallToLocalMs } from './time-zone.js';

export interface TimestampOptions {
  /** IANA zone for times written without an offset, e.g. 'Asia/Shanghai'. */
  timeZone: string;
}

/**
 * Outside 1900–2200 a timestamp is a typo or a sentinel (0001-01-01, 9999-12-31), not an event.
 * Written dates are checked by their own year; instants (epoch numbers, Date objects) by their
 * UTC year.
 */
const MIN_YEAR = 1900;
const MAX_YEAR = 2200;
const MIN_EPOCH_MS = Date.UTC(MIN_YEAR, 0, 1);
const END_EPOCH_MS = Date.UTC(MAX_YEAR + 1, 0, 1);

/**
 * Epoch milliseconds of a timestamp: ISO 8601 (offset optional), the date formats common in China,
 * compact digits, epoch seconds or milliseconds, Date objects. See `readDateInput` for the
 * formats and `localToEpoch` for times that DST skips or repeats. Throws RangeError if `timeZone`
 * is not an IANA zone.
 */
export function normaliseTimestamp(raw: unknown, { timeZone }: TimestampOptions): Normalised<number> {
  const input = readDateInput(raw);
  switch (input.kind) {
    case 'wall': {
      const { wall, offsetMs } = input;
      if (wall.year < MIN_YEAR || wall.year > MAX_YEAR) return outOfRange(raw);
      const localMs = wallToLocalMs(wall);
      return valid(offsetMs === undefined ? localToEpoch(localMs, timeZone) : localMs - offsetMs);
    }
    case 'instant':
      return input.epochMs >= MIN_EPOCH_MS && input.epochMs < END_EPOCH_MS
        ? valid(input.epochMs)
        : outOfRange(raw);
    case 'impossible':
      return invalid('invalid_timestamp', `Timestamp ${describe(raw)} is not a real date and time.`);
    case 'unrecognised':
      return invalid('invalid_timestamp', `Timestamp ${describe(raw)} is not in a recognised date format.`);
    default:
      return assertNever(input);
  }
}

function outOfRange(raw: unknown): Normalised<never> {
  return invalid(
    'invalid_timestamp',
    `Timestamp ${describe(raw)} is outside the years ${MIN_YEAR}–${MAX_YEAR}.`,
  );
}
