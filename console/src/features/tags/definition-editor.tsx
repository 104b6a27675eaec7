import { EyeOutlined, SaveOutlined, UndoOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Flex,
  Form,
  Input,
  Popconfirm,
  Row,
  Segmented,
  Select,
  Space,
  Tag as AntTag,
} from 'antd';
import { useState } from 'react';
import type { LocalName } from '../../api-types';
import { useNavigationBlocker } from '../../app/router';
import { useI18n } from '../../i18n';
import { useShowError } from '../../ui/error-alert';
import {
  SCHEDULES,
  tagsApi,
  type TagCategory,
  type TagDefinition,
  type TagDetail,
  type TagSpec,
} from './api';
import { JsonField } from './json-field';
import { PreviewPanel } from './preview-panel';
import { RefreshButton } from './refresh-button';
import { SpecEditor } from './spec-editor';

const SAMPLES = [undefined, 1_000, 10_000, 100_000] as const;

function NameFields({
  name,
  onChange,
  disabled,
}: {
  name: LocalName | undefined;
  onChange: (name: LocalName | undefined) => void;
  disabled: boolean;
}): React.JSX.Element {
  const { t } = useI18n();
  if (typeof name === 'string')
    return (
      <Form.Item label={t('common.name')}>
        <Input
          value={name}
          disabled={disabled}
          maxLength={200}
          onChange={(e) => onChange(e.target.value || undefined)}
        />
      </Form.Item>
    );
  const set = (lang: 'zh-CN' | 'en', v: string) => {
    const next = { ...name, [lang]: v || undefined };
    if (!v) delete next[lang];
    onChange(Object.keys(next).length > 0 ? next : undefined);
  };
  return (
    <Row gutter={16}>
      <Col xs={24} md={12}>
        <Form.Item label={t('tags.nameZh')}>
          <Input
            value={name?.['zh-CN'] ?? ''}
            disabled={disabled}
            maxLength={200}
            onChange={(e) => set('zh-CN', e.target.value)}
          />
        </Form.Item>
      </Col>
      <Col xs={24} md={12}>
        <Form.Item label={t('tags.nameEn')}>
          <Input
            value={name?.en ?? ''}
            disabled={disabled}
            maxLength={200}
            onChange={(e) => set('en', e.target.value)}
          />
        </Form.Item>
      </Col>
    </Row>
  );
}

/**
 * A tag's definition and rules, editable by marketers: the general fields, the spec (rules,
 * bands, parameters, or all of it as JSON), a preview on a sample, and Save as a new version.
 */
export function DefinitionEditor({
  tag,
  categories,
  defaults,
  canEdit,
}: {
  tag: TagDetail;
  categories: readonly TagCategory[];
  /** The template's first version, whose parameters are the defaults. */
  defaults: TagSpec | null;
  canEdit: boolean;
}): React.JSX.Element {
  const { t, tryT, lang, formatNumber } = useI18n();
  const { message } = App.useApp();
  const showError = useShowError();
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState<TagDefinition>(tag.definition);
  const [base, setBase] = useState(tag.definition);
  const [valid, setValid] = useState(true);
  const [mode, setMode] = useState<'form' | 'json'>('form');
  const [sample, setSample] = useState<number | undefined>(undefined);
  const [saved, setSaved] = useState<number | null>(null);

  // A new version stored elsewhere (another tab, the status toggle) replaces an untouched draft.
  if (tag.definition !== base) {
    setBase(tag.definition);
    if (JSON.stringify(draft) === JSON.stringify(base)) setDraft(tag.definition);
  }
  const dirty = JSON.stringify(draft) !== JSON.stringify(tag.definition);
  useNavigationBlocker(dirty && canEdit, t('journeys.unsaved.tag'), {
    title: t('journeys.unsaved.title'),
    okText: t('journeys.unsaved.leave'),
    cancelText: t('journeys.unsaved.stay'),
  });

  const preview = useMutation({ mutationFn: () => tagsApi.preview(draft, sample) });
  const save = useMutation({
    mutationFn: () => tagsApi.update(tag.key, draft),
    onSuccess: (info) => {
      void message.success(t('tags.savedVersion', { version: info.version }));
      setSaved(info.version);
      setDraft(info.definition);
      void queryClient.invalidateQueries({ queryKey: ['tag', tag.key] });
      void queryClient.invalidateQueries({ queryKey: ['tags'] });
    },
    onError: showError,
  });
  const set = (patch: Partial<TagDefinition>) => {
    preview.reset();
    setDraft((d) => ({ ...d, ...patch }));
  };
  const disabled = !canEdit;

  return (
    <Card
      title={t('tags.definition')}
      extra={dirty && <AntTag color="orange">{t('tags.unsaved')}</AntTag>}
      data-testid="tag-editor"
    >
      <Form layout="vertical" component="div">
        <NameFields name={draft.name} disabled={disabled} onChange={(name) => set({ name })} />
        <Row gutter={16}>
          <Col xs={24} md={8}>
            <Form.Item label={t('tags.category')}>
              <Select
                value={draft.category}
                disabled={disabled}
                onChange={(category) => set({ category })}
                options={categories.map((c) => ({ value: c.key, label: c.name[lang] }))}
              />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}>
            <Form.Item label={t('tags.schedule')}>
              <Select
                value={draft.schedule}
                disabled={disabled}
                onChange={(schedule) => set({ schedule })}
                options={SCHEDULES.map((s) => ({ value: s, label: tryT(`schedule.${s}`) ?? s }))}
              />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}>
            <Form.Item label={t('tags.owner')}>
              <Input
                value={draft.owner}
                disabled={disabled}
                maxLength={200}
                onChange={(e) => set({ owner: e.target.value })}
              />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item label={t('tags.description')}>
          <Input.TextArea
            value={draft.description}
            disabled={disabled}
            maxLength={2000}
            autoSize={{ minRows: 1, maxRows: 6 }}
            onChange={(e) => set({ description: e.target.value })}
          />
        </Form.Item>
      </Form>
      <Flex justify="space-between" align="center" style={{ marginBottom: 12 }}>
        <strong>{t('tags.rules')}</strong>
        <Segmented<'form' | 'json'>
          size="small"
          value={mode}
          onChange={(m) => {
            // The text that did not parse is left behind; the spec kept its last valid value.
            setValid(true);
            setMode(m);
          }}
          options={[
            { value: 'form', label: t('tags.mode.form') },
            { value: 'json', label: t('tags.mode.json') },
          ]}
        />
      </Flex>
      <Form layout="vertical" component="div">
        {mode === 'json' ? (
          <JsonField
            value={draft.spec}
            disabled={disabled}
            onValid={setValid}
            rows={14}
            testId="spec-json"
            label={t('tags.mode.json')}
            onChange={(spec) => set({ spec: spec as TagSpec })}
          />
        ) : (
          <SpecEditor
            spec={draft.spec}
            defaults={defaults}
            disabled={disabled}
            onValid={setValid}
            onChange={(spec) => set({ spec })}
          />
        )}
      </Form>
      {!valid && <Alert type="error" showIcon title={t('tags.fixJson')} style={{ marginTop: 12 }} />}
      {canEdit ? (
        <Flex gap={8} wrap justify="space-between" style={{ marginTop: 16 }}>
          <Space wrap>
            <Button
              icon={<EyeOutlined />}
              onClick={() => preview.mutate()}
              loading={preview.isPending}
              disabled={!valid}
              data-testid="tag-preview-button"
            >
              {t('tags.preview')}
            </Button>
            <Select<number | 'default'>
              value={sample ?? 'default'}
              onChange={(v) => setSample(v === 'default' ? undefined : v)}
              style={{ width: 180 }}
              aria-label={t('tags.sampleSize')}
              options={SAMPLES.map((n) => ({
                value: n ?? 'default',
                label: n === undefined ? t('tags.sampleDefault') : t('tags.sampleOf', { n: formatNumber(n) }),
              }))}
            />
          </Space>
          <Space wrap>
            <Button
              icon={<UndoOutlined />}
              disabled={!dirty}
              onClick={() => {
                preview.reset();
                setValid(true);
                setDraft(tag.definition);
              }}
            >
              {t('tags.discard')}
            </Button>
            <Popconfirm
              title={t('tags.saveConfirm', { version: tag.version + 1 })}
              description={t('tags.saveConfirmDetail')}
              okText={t('tags.save')}
              cancelText={t('common.cancel')}
              onConfirm={() => save.mutate()}
              disabled={!dirty || !valid}
            >
              <Button
                type="primary"
                icon={<SaveOutlined />}
                loading={save.isPending}
                disabled={!dirty || !valid}
                data-testid="tag-save-button"
              >
                {t('tags.save')}
              </Button>
            </Popconfirm>
          </Space>
        </Flex>
      ) : (
        <Alert type="info" showIcon title={t('tags.readOnly')} style={{ marginTop: 16 }} />
      )}
      {saved !== null && !dirty && (
        <Alert
          type="success"
          showIcon
          style={{ marginTop: 16 }}
          title={t('tags.savedVersion', { version: saved })}
          description={t('tags.savedRefreshHint')}
          action={<RefreshButton keys={[tag.key]} type="primary" />}
          closable={{ onClose: () => setSaved(null) }}
          data-testid="tag-saved"
        />
      )}
      {(preview.data || preview.error) && (
        <div style={{ marginTop: 16 }}>
          <PreviewPanel
            result={preview.data}
            error={preview.error}
            current={tag.stats && tag.stats.values.length > 0 ? tag.stats.values : undefined}
          />
        </div>
      )}
    </Card>
  );
}
