import { SearchOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { AutoComplete, Button, DatePicker, Form, Input, Select, type GetProps } from 'antd';
import { useMemo } from 'react';
import { useI18n } from '../../i18n';
import { keys, settingsApi, type AuditQuery } from './api';

/** The actions the server records (recordAudit calls under src/), for the action filter's suggestions. */
const ACTIONS = [
  'user.',
  'user.create',
  'user.update',
  'user.login',
  'user.login_failed',
  'user.logout',
  'user.password_change',
  'channel.',
  'channel.put',
  'channel.remove',
  'segment.',
  'segment.export',
  'journey.',
  'destination.',
  'suppression.',
  'source.',
  'source.rotate_key',
  'api_key.',
  'tag.',
  'tag.assign',
  'tag.unassign',
  'trait.',
];

type RangeValue = NonNullable<GetProps<typeof DatePicker.RangePicker>['value']>;

/** The server's filters of the audit log (everything in `AuditQuery` but the page). */
export type AuditFilter = Omit<AuditQuery, 'before' | 'limit'>;

interface FormValues {
  action?: string;
  target?: string;
  actor?: string;
  range?: RangeValue | null;
}

/** The route's filter of the form: the range's local days, the end day included (`until` is exclusive). */
function toFilter(v: FormValues): AuditFilter {
  const [from, to] = v.range ?? [];
  const action = v.action?.trim();
  const target = v.target?.trim();
  return {
    ...(action ? { action } : {}),
    ...(target ? { target } : {}),
    ...(v.actor ? { actor: v.actor } : {}),
    ...(from ? { since: from.startOf('day').toISOString() } : {}),
    ...(to ? { until: to.add(1, 'day').startOf('day').toISOString() } : {}),
  };
}

/** Actors to choose from: console users (`user:<id>`), API keys (their id), and any other seen in the log. */
function useActorOptions(seen: readonly string[]) {
  const { t } = useI18n();
  const users = useQuery({ queryKey: keys.users, queryFn: ({ signal }) => settingsApi.users(signal) });
  const apiKeys = useQuery({ queryKey: keys.apiKeys, queryFn: ({ signal }) => settingsApi.apiKeys(signal) });
  return useMemo(() => {
    const userOptions = (users.data?.users ?? []).map((u) => ({
      value: `user:${u.id}`,
      label: u.displayName && u.displayName !== u.username ? `${u.username} (${u.displayName})` : u.username,
    }));
    const keyOptions = (apiKeys.data?.apiKeys ?? []).map((k) => ({
      value: k.id,
      label: k.revoked ? t('settings.audit.revokedKey', { name: `${k.name} (API)` }) : `${k.name} (API)`,
    }));
    const known = new Set([...userOptions, ...keyOptions].map((o) => o.value));
    const others = [...new Set(seen)].filter((a) => !known.has(a)).map((a) => ({ value: a, label: a }));
    return [
      { label: t('settings.audit.actorUsers'), options: userOptions },
      { label: t('settings.audit.actorKeys'), options: keyOptions },
      ...(others.length > 0 ? [{ label: t('settings.audit.actorOthers'), options: others }] : []),
    ];
  }, [users.data, apiKeys.data, seen, t]);
}

/**
 * The audit log's filters, all applied by the server: action prefix and target on "Search" (or
 * Enter), actor and date range as soon as they change.
 */
export function AuditFilterForm({
  onApply,
  seenActors,
}: {
  onApply: (filter: AuditFilter) => void;
  /** Actors on the shown page, offered even when no longer a user or a key (a deleted key). */
  seenActors: readonly string[];
}): React.JSX.Element {
  const { t } = useI18n();
  const [form] = Form.useForm<FormValues>();
  const actorOptions = useActorOptions(seenActors);
  return (
    <Form<FormValues>
      form={form}
      name="audit-filter"
      layout="inline"
      style={{ rowGap: 8 }}
      onFinish={(v) => onApply(toFilter(v))}
      onValuesChange={(changed: FormValues) => {
        if ('actor' in changed || 'range' in changed) form.submit();
      }}
    >
      <Form.Item name="action" label={t('settings.audit.action')}>
        <AutoComplete
          style={{ width: 200 }}
          allowClear
          placeholder={t('settings.audit.actionPlaceholder')}
          options={ACTIONS.map((a) => ({ value: a }))}
          filterOption={(input, o) => String(o?.value ?? '').startsWith(input)}
        />
      </Form.Item>
      <Form.Item name="target" label={t('settings.audit.target')}>
        <Input style={{ width: 200 }} allowClear placeholder={t('settings.audit.targetPlaceholder')} />
      </Form.Item>
      <Form.Item name="actor" label={t('settings.audit.actor')}>
        <Select
          style={{ width: 220 }}
          allowClear
          showSearch={{ optionFilterProp: 'label' }}
          data-testid="audit-actor"
          placeholder={t('settings.audit.anyActor')}
          options={actorOptions}
        />
      </Form.Item>
      <Form.Item name="range" label={t('settings.audit.range')}>
        <DatePicker.RangePicker allowEmpty={[true, true]} />
      </Form.Item>
      <Form.Item>
        <Button type="primary" htmlType="submit" icon={<SearchOutlined />}>
          {t('settings.audit.apply')}
        </Button>
      </Form.Item>
      <Form.Item>
        <Button
          onClick={() => {
            form.resetFields();
            onApply({});
          }}
        >
          {t('settings.audit.reset')}
        </Button>
      </Form.Item>
    </Form>
  );
}
