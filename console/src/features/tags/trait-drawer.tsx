import { SaveOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Drawer, Flex, Popconfirm, Skeleton, Switch, Table, Typography } from 'antd';
import { useState } from 'react';
import { useI18n } from '../../i18n';
import { ErrorAlert, useShowError } from '../../ui/error-alert';
import { StatusTag } from '../../ui/status-tag';
import { tagsApi, type TraitInfo } from './api';
import { JsonField } from './json-field';
import { nameIn } from './templates';
import { useActorName } from './use-actor';

/** A new computed trait starts from this (docs/tags.md's example). */
const NEW_TRAIT = {
  key: 'skincare_views_30d',
  name: { 'zh-CN': '近30天护肤浏览次数', en: 'Skincare views (30 d)' },
  description: '',
  status: 'active',
  schedule: 'daily',
  spec: {
    kind: 'aggregate',
    aggregate: {
      fn: 'count',
      event: 'Product Viewed',
      where: [{ property: 'category', op: 'eq', value: 'skincare' }],
      within: '30d',
    },
  },
};

/** One computed trait: its definition as JSON (a save is a new version), its status and versions; or a new one. */
export function TraitDrawer({
  traitKey,
  canEdit,
  onClose,
}: {
  traitKey: string | null;
  canEdit: boolean;
  onClose: () => void;
}): React.JSX.Element {
  const { t, lang, formatDate, tryT } = useI18n();
  const { message } = App.useApp();
  const showError = useShowError();
  const queryClient = useQueryClient();
  const actor = useActorName();
  const q = useQuery({
    queryKey: ['traits', traitKey],
    queryFn: ({ signal }) => tagsApi.trait(traitKey!, signal),
    enabled: traitKey !== null,
  });
  const [draft, setDraft] = useState<unknown>(traitKey === null ? NEW_TRAIT : undefined);
  const [valid, setValid] = useState(true);
  const current = q.data;
  const value = draft ?? current?.definition;
  const dirty =
    traitKey === null ||
    (draft !== undefined && JSON.stringify(draft) !== JSON.stringify(current?.definition));

  const done = (info: TraitInfo, text: string) => {
    void message.success(text);
    setDraft(undefined);
    void queryClient.invalidateQueries({ queryKey: ['traits'] });
    if (traitKey === null) onClose();
    return info;
  };
  const save = useMutation({
    mutationFn: () => (traitKey === null ? tagsApi.createTrait(draft) : tagsApi.updateTrait(traitKey, draft)),
    onSuccess: (info) => done(info, t('tags.traitSaved', { key: info.key, version: info.version })),
    onError: showError,
  });
  const status = useMutation({
    mutationFn: (active: boolean) => tagsApi.setTraitStatus(traitKey!, active ? 'active' : 'draft'),
    onSuccess: (info) =>
      done(info, t('tags.statusChanged', { status: tryT(`status.${info.status}`) ?? info.status })),
    onError: showError,
  });

  const title =
    traitKey === null
      ? t('tags.newTrait')
      : current
        ? (nameIn(current.definition.name, lang) ?? current.key)
        : traitKey;
  return (
    <Drawer open title={title} size={720} onClose={onClose} destroyOnHidden>
      {q.error && <ErrorAlert error={q.error} onRetry={() => void q.refetch()} />}
      {traitKey !== null && !current && !q.error ? (
        <Skeleton active />
      ) : (
        <Flex vertical gap={16}>
          {current && (
            <Flex gap={8} align="center">
              <StatusTag status={current.status} />
              {canEdit && (
                <Popconfirm
                  title={
                    current.status === 'active' ? t('tags.disableTraitConfirm') : t('tags.enableConfirm')
                  }
                  okText={current.status === 'active' ? t('tags.disable') : t('tags.enable')}
                  cancelText={t('common.cancel')}
                  onConfirm={() => status.mutate(current.status !== 'active')}
                >
                  <Switch
                    checked={current.status === 'active'}
                    loading={status.isPending}
                    aria-label={t('tags.enabledSwitch')}
                  />
                </Popconfirm>
              )}
              <Typography.Text type="secondary">v{current.version}</Typography.Text>
            </Flex>
          )}
          <Typography.Text type="secondary">{t('tags.traitHelp')}</Typography.Text>
          <JsonField
            value={value}
            onChange={setDraft}
            onValid={setValid}
            disabled={!canEdit}
            rows={16}
            label={t('tags.mode.json')}
          />
          {canEdit && (
            <Flex justify="flex-end">
              <Button
                type="primary"
                icon={<SaveOutlined />}
                disabled={!dirty || !valid}
                loading={save.isPending}
                onClick={() => save.mutate()}
              >
                {traitKey === null ? t('common.create') : t('tags.save')}
              </Button>
            </Flex>
          )}
          {!canEdit && <Alert type="info" showIcon title={t('tags.readOnly')} />}
          {current && (
            <Table<TraitInfo>
              size="small"
              rowKey="version"
              pagination={false}
              dataSource={current.versions}
              columns={[
                { title: t('common.version'), dataIndex: 'version', render: (v: number) => `v${v}` },
                {
                  title: t('common.status'),
                  dataIndex: 'status',
                  render: (s: string) => <StatusTag status={s} />,
                },
                {
                  title: t('common.createdAt'),
                  dataIndex: 'createdAt',
                  render: (at: string) => formatDate(at),
                },
                {
                  title: t('tags.createdBy'),
                  dataIndex: 'createdBy',
                  render: (by: string | null) => actor(by),
                },
              ]}
            />
          )}
        </Flex>
      )}
    </Drawer>
  );
}
