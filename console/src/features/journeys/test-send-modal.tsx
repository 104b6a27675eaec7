import { EyeOutlined, SearchOutlined, SendOutlined } from '@ant-design/icons';
import { useMutation, useQuery } from '@tanstack/react-query';
import { Alert, Button, Descriptions, Flex, Form, Input, Modal, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { api, isNotFound } from '../../api';
import { Link } from '../../app/router';
import { useI18n } from '../../i18n';
import { ErrorAlert } from '../../ui/error-alert';
import { planSearch } from '../people/lookup';
import { journeysApi, type MessageTemplate, type PreviewResult, type TestSendResult } from './api';
import { Field } from './fields';

/** The profile an identifier names: every plausible identifier type is asked at once. */
async function resolveProfile(raw: string, types: readonly string[] | null): Promise<string | null> {
  const plan = planSearch(raw, types);
  if (!plan) return null;
  if (plan.kind === 'profile') return plan.id;
  const answers = await Promise.allSettled(plan.types.map((type) => api.lookup(type, plan.value)));
  for (const a of answers) if (a.status === 'fulfilled') return a.value.profileId;
  const failure = answers.find((a) => a.status === 'rejected' && !isNotFound(a.reason));
  if (failure?.status === 'rejected') throw failure.reason;
  return null;
}

const nameOf = (traits: Record<string, unknown>): string | null =>
  typeof traits.name === 'string' ? traits.name : null;

function Rendered({ r }: { r: PreviewResult }): React.JSX.Element {
  const { t } = useI18n();
  const parts = Object.entries(r.rendered).filter(([, v]) => v !== undefined && v !== '');
  return (
    <Space orientation="vertical" style={{ width: '100%' }} data-testid="test-preview">
      {r.missing.length > 0 ? (
        <Alert
          type="warning"
          showIcon
          title={t('journeys.test.missing')}
          description={r.missing.map((m) => (
            <Tag key={m} color="orange">
              {m}
            </Tag>
          ))}
        />
      ) : (
        <Typography.Text type="success">{t('journeys.test.noMissing')}</Typography.Text>
      )}
      <Descriptions size="small" column={1} bordered>
        {parts.map(([k, v]) => (
          <Descriptions.Item key={k} label={k}>
            <Typography.Paragraph
              style={{ whiteSpace: 'pre-wrap', margin: 0, maxHeight: 200, overflow: 'auto' }}
            >
              {v}
            </Typography.Paragraph>
          </Descriptions.Item>
        ))}
      </Descriptions>
    </Space>
  );
}

/**
 * A test send of one send step: find a profile by any identifier, preview the message rendered
 * for them (with the variables they lack), then send the saved step's message to them now.
 */
export function TestSendModal({
  journeyId,
  stepId,
  template,
  changed,
  onClose,
}: {
  journeyId: string;
  stepId: string;
  /** The step's template as the canvas has it now (the preview renders this one). */
  template: MessageTemplate;
  /** The step differs from the saved version (the send uses the saved one). */
  changed: boolean;
  onClose: () => void;
}): React.JSX.Element {
  const { t } = useI18n();
  const rules = useQuery({
    queryKey: ['identity-rules'],
    queryFn: ({ signal }) => api.identifierRules(signal),
    staleTime: 5 * 60_000,
  });
  const [profileId, setProfileId] = useState<string | null>(null);
  const [notFound, setNotFound] = useState<string | null>(null);
  const [to, setTo] = useState('');
  const find = useMutation({
    mutationFn: (raw: string) => resolveProfile(raw, rules.data ? rules.data.types.map((r) => r.type) : null),
    onMutate: () => {
      setProfileId(null);
      setNotFound(null);
    },
    onSuccess: (id, raw) => (id ? setProfileId(id) : setNotFound(raw)),
  });
  const profile = useQuery({
    queryKey: ['profile', profileId],
    queryFn: ({ signal }) => api.profile(profileId!, signal),
    enabled: profileId !== null,
  });
  const preview = useMutation({ mutationFn: (id: string) => journeysApi.preview(template, id) });
  const send = useMutation({
    mutationFn: (id: string): Promise<TestSendResult> =>
      journeysApi.testSend(journeyId, { stepId, profileId: id, ...(to.trim() ? { to: to.trim() } : {}) }),
  });

  return (
    <Modal
      open
      title={t('journeys.test.title', { step: stepId })}
      onCancel={onClose}
      width={640}
      footer={
        <Flex justify="space-between">
          <Button
            icon={<EyeOutlined />}
            disabled={!profileId}
            loading={preview.isPending}
            onClick={() => profileId && preview.mutate(profileId)}
          >
            {t('journeys.test.preview')}
          </Button>
          <Space>
            <Button onClick={onClose}>{t('common.close')}</Button>
            <Button
              type="primary"
              icon={<SendOutlined />}
              disabled={!profileId}
              loading={send.isPending}
              onClick={() => profileId && send.mutate(profileId)}
              data-testid="test-send-submit"
            >
              {t('journeys.test.send')}
            </Button>
          </Space>
        </Flex>
      }
    >
      <Form layout="vertical" component="div">
        {changed && (
          <Alert type="info" showIcon style={{ marginBottom: 12 }} title={t('journeys.test.savedVersion')} />
        )}
        <Field id="test-profile" label={t('journeys.test.profile')} help={t('journeys.test.profileHelp')}>
          <Input.Search
            id="test-profile"
            placeholder={t('journeys.test.profilePlaceholder')}
            enterButton={<Button icon={<SearchOutlined />}>{t('journeys.test.find')}</Button>}
            loading={find.isPending}
            onSearch={(v) => v.trim() && find.mutate(v)}
            allowClear
          />
        </Field>
        {find.error && <ErrorAlert error={find.error} />}
        {notFound && (
          <Alert type="warning" showIcon title={t('journeys.test.notFound', { value: notFound })} />
        )}
        {profileId && (
          <Alert
            type="success"
            style={{ marginBottom: 12 }}
            data-testid="test-profile-found"
            title={
              <Space>
                <span>{t('journeys.test.chosen')}</span>
                <Link to={`/people/${encodeURIComponent(profileId)}`}>{profileId}</Link>
                {profile.data && nameOf(profile.data.traits) && <Tag>{nameOf(profile.data.traits)}</Tag>}
              </Space>
            }
          />
        )}
        <Field id="test-to" label={t('journeys.test.to')} help={t('journeys.test.toHelp')}>
          <Input id="test-to" value={to} onChange={(e) => setTo(e.target.value)} maxLength={320} allowClear />
        </Field>
      </Form>
      {preview.error && <ErrorAlert error={preview.error} />}
      {preview.data && <Rendered r={preview.data} />}
      {send.error && (
        <div style={{ marginTop: 12 }} data-testid="test-send-result">
          <ErrorAlert error={send.error} />
        </div>
      )}
      {send.data && (
        <div style={{ marginTop: 12 }} data-testid="test-send-result" data-outcome={send.data.outcome.kind}>
          {send.data.outcome.kind === 'sent' ? (
            <Alert
              type="success"
              showIcon
              title={t('journeys.test.sent', { to: send.data.to })}
              description={
                send.data.outcome.providerMessageId
                  ? t('journeys.test.providerId', { id: send.data.outcome.providerMessageId })
                  : undefined
              }
            />
          ) : (
            <Alert
              type="error"
              showIcon
              title={t('journeys.test.failed', { to: send.data.to })}
              description={`${send.data.outcome.reason}${send.data.outcome.retryable ? ` · ${t('journeys.test.retryable')}` : ''}`}
            />
          )}
        </div>
      )}
    </Modal>
  );
}
