import { ReloadOutlined, SearchOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import {
  AutoComplete,
  Button,
  Card,
  DatePicker,
  Flex,
  Form,
  Input,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useMemo, useState } from 'react';
import { useI18n } from '../../i18n';
import { ErrorAlert } from '../../ui/error-alert';
import { useActorName, useUsername } from './actors';
import { AUDIT_MAX, keys, settingsApi, type AuditEntry } from './api';

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
];
const STEP = 200;

interface ServerFilter {
  action?: string;
  target?: string;
}

const summary = (detail: Record<string, unknown> | null): string =>
  detail
    ? Object.entries(detail)
        .slice(0, 4)
        .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
        .join(' · ')
    : '';

/**
 * The audit log, newest first. The server filters by action prefix and exact target and answers
 * at most 1000 entries; the actor and the date range filter what was loaded, and "load more"
 * asks for a longer list.
 */
export function AuditTab(): React.JSX.Element {
  const { t, tryT, formatDate, formatNumber } = useI18n();
  const actorName = useActorName();
  const username = useUsername();
  const [form] = Form.useForm<ServerFilter>();
  const [filter, setFilter] = useState<ServerFilter>({});
  const [limit, setLimit] = useState(STEP);
  const [actor, setActor] = useState<string | undefined>();
  const [range, setRange] = useState<[number, number] | null>(null);
  const q = useQuery({
    queryKey: [...keys.audit, filter, limit],
    queryFn: ({ signal }) => settingsApi.audit({ ...filter, limit }, signal),
    placeholderData: (previous) => previous,
  });
  const entries = useMemo(() => q.data?.entries ?? [], [q.data]);
  const actors = useMemo(() => [...new Set(entries.map((e) => e.actor ?? ''))].filter(Boolean), [entries]);
  const shown = entries.filter((e) => {
    if (actor !== undefined && e.actor !== actor) return false;
    if (range) {
      const at = Date.parse(e.at);
      if (at < range[0] || at > range[1]) return false;
    }
    return true;
  });
  const more = entries.length === limit && limit < AUDIT_MAX;

  return (
    <Card
      title={t('settings.tab.audit')}
      extra={
        <Button icon={<ReloadOutlined />} onClick={() => void q.refetch()} loading={q.isFetching}>
          {t('common.refresh')}
        </Button>
      }
    >
      <Flex vertical gap={12}>
        <Form
          form={form}
          name="audit-filter"
          layout="inline"
          onFinish={(v) => {
            setFilter({ action: v.action?.trim() || undefined, target: v.target?.trim() || undefined });
            setLimit(STEP);
          }}
        >
          <Form.Item name="action" label={t('settings.audit.action')}>
            <AutoComplete
              style={{ width: 220 }}
              allowClear
              placeholder={t('settings.audit.actionPlaceholder')}
              options={ACTIONS.map((a) => ({ value: a }))}
              filterOption={(input, o) => String(o?.value ?? '').startsWith(input)}
            />
          </Form.Item>
          <Form.Item name="target" label={t('settings.audit.target')}>
            <Input style={{ width: 200 }} allowClear placeholder={t('settings.audit.targetPlaceholder')} />
          </Form.Item>
          <Form.Item>
            <Button htmlType="submit" icon={<SearchOutlined />}>
              {t('settings.audit.apply')}
            </Button>
          </Form.Item>
        </Form>
        <Space wrap>
          <Select
            style={{ width: 220 }}
            allowClear
            aria-label={t('settings.audit.actor')}
            placeholder={t('settings.audit.anyActor')}
            value={actor}
            onChange={setActor}
            options={actors.map((a) => ({ value: a, label: actorName(a) }))}
          />
          <DatePicker.RangePicker
            aria-label={t('settings.audit.range')}
            onChange={(v) =>
              setRange(v?.[0] && v[1] ? [v[0].startOf('day').valueOf(), v[1].endOf('day').valueOf()] : null)
            }
          />
          <Typography.Text type="secondary" data-testid="audit-count">
            {t('settings.audit.count', {
              shown: formatNumber(shown.length),
              loaded: formatNumber(entries.length),
            })}
          </Typography.Text>
        </Space>
        {q.error && <ErrorAlert error={q.error} onRetry={() => void q.refetch()} />}
        <Table<AuditEntry>
          size="small"
          rowKey="id"
          data-testid="audit-table"
          loading={q.isFetching}
          dataSource={shown}
          pagination={{ pageSize: 20, hideOnSinglePage: true, showSizeChanger: false }}
          locale={{ emptyText: t('settings.audit.empty') }}
          expandable={{
            rowExpandable: (e) => e.detail !== null,
            expandedRowRender: (e) => (
              <pre style={{ margin: 0, whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>
                {JSON.stringify(e.detail, null, 2)}
              </pre>
            ),
          }}
          columns={[
            {
              title: t('settings.audit.at'),
              dataIndex: 'at',
              width: 200,
              render: (at: string) => formatDate(at),
            },
            {
              title: t('settings.audit.actor'),
              dataIndex: 'actor',
              render: (a: string | null) => actorName(a),
            },
            {
              title: t('settings.audit.action'),
              dataIndex: 'action',
              render: (a: string) => (
                <Space size={4}>
                  <Tag>{a}</Tag>
                  {tryT(`settings.audit.action.${a}`) && (
                    <Typography.Text type="secondary">{tryT(`settings.audit.action.${a}`)}</Typography.Text>
                  )}
                </Space>
              ),
            },
            {
              title: t('settings.audit.target'),
              dataIndex: 'target',
              render: (target: string | null) =>
                target ? (
                  <Space size={4} wrap>
                    <Typography.Text code>{target}</Typography.Text>
                    {username(target) && (
                      <Typography.Text type="secondary">{username(target)}</Typography.Text>
                    )}
                  </Space>
                ) : (
                  '—'
                ),
            },
            {
              title: t('settings.audit.detail'),
              dataIndex: 'detail',
              ellipsis: true,
              render: (d: Record<string, unknown> | null) => (
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {summary(d)}
                </Typography.Text>
              ),
            },
          ]}
        />
        {more && (
          <Button onClick={() => setLimit((l) => Math.min(AUDIT_MAX, l + STEP))} loading={q.isFetching}>
            {t('settings.audit.loadMore')}
          </Button>
        )}
      </Flex>
    </Card>
  );
}
