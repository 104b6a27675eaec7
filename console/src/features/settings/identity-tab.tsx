import { ReloadOutlined, SyncOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Descriptions,
  Empty,
  Flex,
  Row,
  Space,
  Statistic,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useI18n } from '../../i18n';
import { ErrorAlert, useShowError } from '../../ui/error-alert';
import { keys, settingsApi, type IdentifierTypeRule, type IdentityRules, type RebuildReport } from './api';
import { IdentityHistory } from './identity-history';
import { useReasonLabel } from './identity-reason';
import { ReviewQueue } from './identity-review';

const COUNTERS = [
  'events',
  'unattributed',
  'claims',
  'blocked',
  'invalid',
  'unknownType',
  'fuzzyCompared',
  'fuzzyMerged',
  'fuzzyRefused',
];

function Stats(): React.JSX.Element {
  const { t, tryT, formatNumber } = useI18n();
  const reasonLabel = useReasonLabel();
  const q = useQuery({
    queryKey: [...keys.identity, 'stats'],
    queryFn: ({ signal }) => settingsApi.identityStats(signal),
  });
  if (q.error) return <ErrorAlert error={q.error} onRetry={() => void q.refetch()} />;
  const s = q.data;
  const reasons = Object.entries(s?.refusalsByReason ?? {});
  return (
    <Card title={t('settings.identity.stats')} loading={q.isPending} data-testid="identity-stats">
      <Row gutter={[16, 16]}>
        {(['profiles', 'identifiers', 'links', 'refusals'] as const).map((k) => (
          <Col key={k} xs={12} md={6}>
            <Statistic
              title={t(`settings.identity.stat.${k}`)}
              value={s?.[k] ?? 0}
              formatter={(v) => formatNumber(Number(v))}
            />
          </Col>
        ))}
      </Row>
      {s?.counters && (
        <Descriptions
          size="small"
          style={{ marginTop: 16 }}
          column={{ xs: 1, md: 3 }}
          items={COUNTERS.filter((c) => s.counters?.[c] !== undefined).map((c) => ({
            key: c,
            label: tryT(`settings.identity.counter.${c}`) ?? c,
            children: formatNumber(s.counters?.[c] ?? 0),
          }))}
        />
      )}
      {reasons.length > 0 && (
        <Space wrap style={{ marginTop: 12 }}>
          <Typography.Text type="secondary">{t('settings.identity.refusalsByReason')}</Typography.Text>
          {reasons.map(([reason, n]) => (
            <Tag key={reason}>
              {reasonLabel(reason)}: {formatNumber(n)}
            </Tag>
          ))}
        </Space>
      )}
      {(s?.blocked.length ?? 0) > 0 && (
        <Table
          style={{ marginTop: 12 }}
          size="small"
          rowKey={(b) => `${b.type}:${b.value}`}
          pagination={{ pageSize: 10, hideOnSinglePage: true }}
          dataSource={s?.blocked ?? []}
          columns={[
            {
              title: t('settings.identity.blockedValue'),
              render: (_: unknown, b) => `${b.type}: ${b.value}`,
            },
            { title: t('settings.identity.rule'), dataIndex: 'rule' },
            {
              title: t('settings.identity.hits'),
              dataIndex: 'hits',
              align: 'right',
              render: (n: number) => formatNumber(n),
            },
          ]}
        />
      )}
    </Card>
  );
}

function Rules({ rules }: { rules: IdentityRules }): React.JSX.Element {
  const { t, tryT } = useI18n();
  const types = [...rules.types].sort((a, b) => b.priority - a.priority);
  const yes = (v: boolean | undefined) => (v ? t('common.yes') : t('common.no'));
  return (
    <Flex vertical gap={16}>
      <Table<IdentifierTypeRule>
        size="small"
        rowKey="type"
        data-testid="identity-rules"
        pagination={false}
        dataSource={types}
        columns={[
          {
            title: t('settings.identity.type'),
            dataIndex: 'type',
            render: (v: string) => <Typography.Text code>{v}</Typography.Text>,
          },
          { title: t('settings.identity.priority'), dataIndex: 'priority', align: 'right' },
          {
            title: t('settings.identity.limit'),
            dataIndex: 'limit',
            align: 'right',
            render: (l: number | null) => l ?? t('settings.identity.noLimit'),
          },
          {
            title: t('settings.identity.normalise'),
            dataIndex: 'normalise',
            render: (n: string) => tryT(`settings.identity.normalise.${n}`) ?? n,
          },
          { title: t('settings.identity.shareable'), dataIndex: 'shareable', render: yes },
          { title: t('settings.identity.successive'), dataIndex: 'successive', render: yes },
        ]}
      />
      <Descriptions
        size="small"
        column={1}
        items={[
          {
            key: 'values',
            label: t('settings.identity.blockValues'),
            children:
              rules.blocklist.values.length === 0 ? (
                t('common.none')
              ) : (
                <Space wrap size={4}>
                  {rules.blocklist.values.map((v) => (
                    <Tag key={v}>{v}</Tag>
                  ))}
                </Space>
              ),
          },
          {
            key: 'patterns',
            label: t('settings.identity.blockPatterns'),
            children:
              rules.blocklist.patterns.length === 0 ? (
                t('common.none')
              ) : (
                <Space wrap size={4}>
                  {rules.blocklist.patterns.map((p) => (
                    <Typography.Text key={p} code>
                      {p}
                    </Typography.Text>
                  ))}
                </Space>
              ),
          },
          {
            key: 'fuzzy',
            label: t('settings.identity.fuzzy'),
            children: rules.fuzzy.enabled
              ? t('settings.identity.fuzzyOn', {
                  autoMerge: rules.fuzzy.autoMerge,
                  review: rules.fuzzy.review,
                })
              : t('settings.identity.fuzzyOff'),
          },
          {
            key: 'fp',
            label: t('settings.identity.fingerprint'),
            children: <Typography.Text code>{rules.fingerprint}</Typography.Text>,
          },
        ]}
      />
    </Flex>
  );
}

function RebuildResult({
  reports,
  onClose,
}: {
  reports: RebuildReport[];
  onClose: () => void;
}): React.JSX.Element {
  const { t, formatNumber } = useI18n();
  return (
    <Alert
      type="success"
      showIcon
      closable={{ onClose }}
      data-testid="rebuild-result"
      title={t('settings.identity.rebuilt')}
      description={reports.map((r) => (
        <div key={r.workspaceId}>
          {t('settings.identity.rebuildReport', {
            events: formatNumber(r.events),
            before: formatNumber(r.profilesBefore),
            after: formatNumber(r.profilesAfter),
            merged: formatNumber(r.merged),
            split: formatNumber(r.split),
            moved: formatNumber(r.moved),
            seconds: r.seconds.toFixed(1),
          })}
        </div>
      ))}
    />
  );
}

/** The identity graph: its rules (from the configuration file), figures, review queue and history. */
export function IdentityTab(): React.JSX.Element {
  const { t } = useI18n();
  const { modal } = App.useApp();
  const showError = useShowError();
  const queryClient = useQueryClient();
  const rules = useQuery({
    queryKey: [...keys.identity, 'rules'],
    queryFn: ({ signal }) => settingsApi.identityRules(signal),
  });
  const [report, setReport] = useState<RebuildReport[] | null>(null);
  const rebuild = useMutation({
    mutationFn: () => settingsApi.rebuild(),
    onSuccess: (r) => {
      setReport(r.workspaces);
      void queryClient.invalidateQueries({ queryKey: keys.identity });
    },
    onError: showError,
  });
  const confirmRebuild = (): void => {
    modal.confirm({
      title: t('settings.identity.rebuildConfirm'),
      content: t('settings.identity.rebuildHint'),
      okText: t('settings.identity.rebuild'),
      okButtonProps: { danger: true },
      cancelText: t('common.cancel'),
      onOk: () => rebuild.mutate(),
    });
  };

  return (
    <Flex vertical gap={16}>
      {report && <RebuildResult reports={report} onClose={() => setReport(null)} />}
      <Stats />
      <Card
        title={t('settings.identity.rules')}
        extra={
          <Space>
            <Button
              icon={<ReloadOutlined />}
              onClick={() => void queryClient.invalidateQueries({ queryKey: keys.identity })}
            >
              {t('common.refresh')}
            </Button>
            <Button
              danger
              icon={<SyncOutlined spin={rebuild.isPending} />}
              loading={rebuild.isPending}
              onClick={confirmRebuild}
            >
              {t('settings.identity.rebuild')}
            </Button>
          </Space>
        }
      >
        <Typography.Paragraph type="secondary">{t('settings.identity.rulesReadOnly')}</Typography.Paragraph>
        {rules.error && <ErrorAlert error={rules.error} onRetry={() => void rules.refetch()} />}
        {rules.isPending ? (
          <Table loading dataSource={[]} columns={[]} />
        ) : rules.data ? (
          <Rules rules={rules.data} />
        ) : (
          <Empty />
        )}
      </Card>
      <ReviewQueue />
      <IdentityHistory />
    </Flex>
  );
}
