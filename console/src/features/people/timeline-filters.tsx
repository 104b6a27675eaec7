import { ClearOutlined } from '@ant-design/icons';
import { Alert, Button, DatePicker, Flex, Select, type GetProps } from 'antd';
import { useI18n, type MessageKey } from '../../i18n';

/** Segment message types (src/collect/message.ts MESSAGE_TYPES), the route's `type` values. */
const MESSAGE_TYPES = ['identify', 'track', 'page', 'screen', 'group', 'alias'] as const;
const TYPE_LABEL: Record<(typeof MESSAGE_TYPES)[number], MessageKey> = {
  identify: 'timeline.type.identify',
  track: 'timeline.type.track',
  page: 'timeline.type.page',
  screen: 'timeline.type.screen',
  group: 'timeline.type.group',
  alias: 'timeline.type.alias',
};

type RangeValue = NonNullable<GetProps<typeof DatePicker.RangePicker>['value']>;

/** What the filter bar holds: the types, the track event names, and a range of days (either end open). */
export interface TimelineFilter {
  types: string[];
  events: string[];
  range: RangeValue | null;
}

export const NO_FILTER: TimelineFilter = { types: [], events: [], range: null };

export const isFiltered = (f: TimelineFilter): boolean =>
  f.types.length > 0 || f.events.length > 0 || Boolean(f.range?.[0] || f.range?.[1]);

/**
 * The route's query for a filter. The days are the viewer's local days; the end day is included,
 * so `until` (exclusive on the server) is the start of the day after it.
 */
export function serverFilter(f: TimelineFilter): {
  types?: string[];
  events?: string[];
  since?: string;
  until?: string;
} {
  const [from, to] = f.range ?? [];
  return {
    ...(f.types.length > 0 ? { types: f.types } : {}),
    ...(f.events.length > 0 ? { events: f.events } : {}),
    ...(from ? { since: from.startOf('day').toISOString() } : {}),
    ...(to ? { until: to.add(1, 'day').startOf('day').toISOString() } : {}),
  };
}

/**
 * The timeline's filter bar: message types, event names (those seen on this person's timeline,
 * or any typed in), a range of days, and a clear button. The server applies them before paging.
 */
export function TimelineFilterBar({
  value,
  onChange,
  names,
}: {
  value: TimelineFilter;
  onChange: (next: TimelineFilter) => void;
  /** Track event names seen on this person's timeline, offered as choices. */
  names: readonly string[];
}): React.JSX.Element {
  const { t } = useI18n();
  const trackLeftOut = value.events.length > 0 && value.types.length > 0 && !value.types.includes('track');
  return (
    <Flex vertical gap={8}>
      <Flex gap={8} align="center" wrap data-testid="timeline-filters">
        <Select
          mode="multiple"
          allowClear
          data-testid="timeline-filter-type"
          aria-label={t('timeline.filter.type')}
          style={{ minWidth: 200 }}
          placeholder={t('timeline.filter.typePlaceholder')}
          value={value.types}
          onChange={(types) => onChange({ ...value, types })}
          options={MESSAGE_TYPES.map((type) => ({ value: type, label: t(TYPE_LABEL[type]) }))}
        />
        <Select
          mode="tags"
          allowClear
          data-testid="timeline-filter-event"
          aria-label={t('timeline.filter.event')}
          style={{ minWidth: 260 }}
          maxTagCount="responsive"
          placeholder={t('timeline.filter.eventPlaceholder')}
          value={value.events}
          onChange={(events) => onChange({ ...value, events: events.map((e) => e.trim()).filter(Boolean) })}
          options={names.map((n) => ({ value: n, label: n }))}
        />
        <span data-testid="timeline-filter-range">
          <DatePicker.RangePicker
            aria-label={t('timeline.filter.range')}
            allowEmpty={[true, true]}
            placeholder={[t('timeline.filter.rangeStart'), t('timeline.filter.rangeEnd')]}
            value={value.range}
            onChange={(range) => onChange({ ...value, range: range?.[0] || range?.[1] ? range : null })}
          />
        </span>
        <Button
          icon={<ClearOutlined />}
          data-testid="timeline-filter-clear"
          disabled={!isFiltered(value)}
          onClick={() => onChange(NO_FILTER)}
        >
          {t('timeline.filter.clear')}
        </Button>
      </Flex>
      {trackLeftOut && <Alert type="warning" showIcon title={t('timeline.filter.trackOnly')} />}
    </Flex>
  );
}
