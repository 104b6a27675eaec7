import { SearchOutlined } from '@ant-design/icons';
import { useMutation, useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Form, Input, Space, Table, Tabs } from 'antd';
import { useState } from 'react';
import { api, isNotFound, type ApiError } from '../../api';
import type { PreviewAnswer } from '../../api-types';
import { Link, navigate } from '../../app/router';
import { useI18n } from '../../i18n';
import { ErrorAlert } from '../../ui/error-alert';
import { Page } from '../../ui/page';
import { planSearch } from './lookup';

type Outcome =
  { kind: 'none'; value: string; types: string[]; reason: string | null } | { kind: 'error'; error: unknown };

/**
 * Asks every plausible type at once; the first type in the plan's order that knows the value wins.
 * Nobody found: the server's word on the most likely type (it says when a value is blocklisted).
 */
async function findProfile(
  value: string,
  types: string[],
): Promise<{ profileId: string } | { profileId: null; reason: string | null }> {
  const answers = await Promise.allSettled(types.map((type) => api.lookup(type, value)));
  for (const a of answers) if (a.status === 'fulfilled') return a.value;
  const failure = answers.find((a) => a.status === 'rejected' && !isNotFound(a.reason));
  if (failure && failure.status === 'rejected') throw failure.reason;
  const first = answers[0];
  return {
    profileId: null,
    reason: first?.status === 'rejected' && first.reason instanceof Error ? first.reason.message : null,
  };
}

function IdentifierSearch(): React.JSX.Element {
  const { t, tryT } = useI18n();
  const rules = useQuery({
    queryKey: ['identity-rules'],
    queryFn: ({ signal }) => api.identifierRules(signal),
    staleTime: 5 * 60_000,
  });
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [busy, setBusy] = useState(false);

  const search = async (raw: string) => {
    const plan = planSearch(raw, rules.data ? rules.data.types.map((r) => r.type) : null);
    if (!plan) return;
    if (plan.kind === 'profile') {
      navigate(`/people/${encodeURIComponent(plan.id)}`);
      return;
    }
    setBusy(true);
    setOutcome(null);
    try {
      const found = await findProfile(plan.value, plan.types);
      if (found.profileId !== null) navigate(`/people/${encodeURIComponent(found.profileId)}`);
      else setOutcome({ kind: 'none', value: plan.value, types: plan.types, reason: found.reason });
    } catch (error) {
      setOutcome({ kind: 'error', error });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Space orientation="vertical" style={{ width: '100%' }} size="middle">
      <Input.Search
        aria-label={t('people.searchPlaceholder')}
        placeholder={t('people.searchPlaceholder')}
        enterButton={
          <Button type="primary" icon={<SearchOutlined />}>
            {t('people.search')}
          </Button>
        }
        size="large"
        allowClear
        loading={busy}
        onSearch={(v) => void search(v)}
        style={{ maxWidth: 640 }}
        autoFocus
      />
      {outcome?.kind === 'none' && (
        <Alert
          type="info"
          showIcon
          title={t('people.notFound', {
            value: outcome.value,
            types: outcome.types.map((ty) => tryT(`identifier.${ty}`) ?? ty).join(', '),
          })}
          description={outcome.reason ?? undefined}
        />
      )}
      {outcome?.kind === 'error' && <ErrorAlert error={outcome.error} />}
    </Space>
  );
}

/** A trait equal to a value, through the segment preview (the same condition language as segments). */
function traitCondition(key: string, value: string): unknown {
  const n = Number(value);
  const eq = (v: unknown) => ({ trait: key, op: 'eq', value: v });
  return value.trim() !== '' && Number.isFinite(n) ? { any: [eq(value), eq(n)] } : eq(value);
}

const SAMPLE = 20;

function TraitSearch(): React.JSX.Element {
  const { t, formatNumber } = useI18n();
  const [asked, setAsked] = useState<{ key: string; value: string } | null>(null);
  const preview = useMutation<PreviewAnswer, ApiError, { key: string; value: string }>({
    mutationFn: ({ key, value }) => api.preview(traitCondition(key, value), SAMPLE),
  });
  return (
    <Space orientation="vertical" style={{ width: '100%' }} size="middle">
      <Form<{ key: string; value: string }>
        layout="inline"
        onFinish={(v) => {
          const q = { key: v.key.trim(), value: v.value };
          setAsked(q);
          preview.mutate(q);
        }}
      >
        <Form.Item name="key" label={t('people.traitKey')} rules={[{ required: true, whitespace: true }]}>
          <Input placeholder={t('people.traitKeyPlaceholder')} />
        </Form.Item>
        <Form.Item name="value" label={t('people.traitValue')} rules={[{ required: true }]}>
          <Input placeholder={t('people.traitValuePlaceholder')} />
        </Form.Item>
        <Button type="primary" htmlType="submit" icon={<SearchOutlined />} loading={preview.isPending}>
          {t('people.search')}
        </Button>
      </Form>
      {preview.error && <ErrorAlert error={preview.error} />}
      {preview.data && asked && preview.data.count === 0 && (
        <Alert type="info" showIcon title={t('people.traitNone', asked)} />
      )}
      {preview.data && preview.data.count > 0 && (
        <Table<{ profileId: string }>
          size="small"
          rowKey="profileId"
          pagination={false}
          title={() =>
            t('people.traitMatches', {
              count: formatNumber(preview.data.count),
              shown: preview.data.sample.length,
            })
          }
          dataSource={preview.data.sample}
          columns={[
            {
              title: t('identifier.profile_id'),
              dataIndex: 'profileId',
              render: (id: string) => <Link to={`/people/${encodeURIComponent(id)}`}>{id}</Link>,
            },
          ]}
        />
      )}
    </Space>
  );
}

export default function PeoplePage(): React.JSX.Element {
  const { t } = useI18n();
  return (
    <Page title={t('people.title')}>
      <Card>
        <Tabs
          items={[
            { key: 'identifier', label: t('people.byIdentifier'), children: <IdentifierSearch /> },
            { key: 'trait', label: t('people.byTrait'), children: <TraitSearch /> },
          ]}
        />
      </Card>
    </Page>
  );
}
