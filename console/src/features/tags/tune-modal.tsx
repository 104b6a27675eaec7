import { EyeOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Checkbox, Flex, Modal, Skeleton, Typography } from 'antd';
import { useState } from 'react';
import { useI18n } from '../../i18n';
import { useShowError } from '../../ui/error-alert';
import { tagsApi, tagVersionsQuery, type TagDetail, type TagInfo, type TagSpec } from './api';
import { ParamFields } from './param-fields';
import { PreviewPanel } from './preview-panel';
import { tagName } from './templates';

/**
 * Enable a template with its parameters, or tune an enabled one: the form is generated from the
 * spec's parameters, with the defaults of the template's first version; a preview shows what the
 * values would be; saving stores a new version (only when a parameter changed), activates the
 * tag, and may recompute it at once.
 */
export function TuneModal({
  tag,
  detail,
  onClose,
}: {
  tag: TagInfo;
  detail: TagDetail | undefined;
  onClose: () => void;
}): React.JSX.Element {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const showError = useShowError();
  const queryClient = useQueryClient();
  const versions = useQuery(tagVersionsQuery(tag.key));
  const defaults = versions.data?.versions.find((v) => v.version === 1)?.definition.spec ?? null;
  const [spec, setSpec] = useState<TagSpec>(tag.definition.spec);
  const [refreshAfter, setRefreshAfter] = useState(true);
  const changed = JSON.stringify(spec) !== JSON.stringify(tag.definition.spec);
  const enabling = tag.status !== 'active';

  const preview = useMutation({
    mutationFn: () => tagsApi.preview({ ...tag.definition, spec, status: 'active' }),
  });
  const save = useMutation({
    mutationFn: async () => {
      let version = tag.version;
      if (changed)
        version = (await tagsApi.update(tag.key, { ...tag.definition, spec, status: 'active' })).version;
      else if (enabling) await tagsApi.setStatus(tag.key, 'active');
      const report = refreshAfter ? await tagsApi.refresh([tag.key]) : null;
      return { version, report };
    },
    onSuccess: ({ version, report }) => {
      void message.success(
        enabling
          ? t('tags.templateEnabled', { name: tagName(tag, lang), version })
          : t('tags.savedVersion', { version }),
      );
      if (report) void queryClient.invalidateQueries({ queryKey: ['overview'] });
      void queryClient.invalidateQueries({ queryKey: ['tag'] });
      void queryClient.invalidateQueries({ queryKey: ['tags'] });
      onClose();
    },
    onError: showError,
  });

  return (
    <Modal
      open
      width={880}
      title={
        enabling
          ? t('tags.enableTemplate', { name: tagName(tag, lang) })
          : t('tags.tuneTemplate', { name: tagName(tag, lang) })
      }
      onCancel={onClose}
      okText={enabling ? t('tags.saveAndEnable') : t('tags.save')}
      okButtonProps={{ disabled: !changed && !enabling && !refreshAfter }}
      cancelText={t('common.cancel')}
      confirmLoading={save.isPending}
      onOk={() => save.mutate()}
      destroyOnHidden
    >
      <Flex vertical gap={16} data-testid="tune-modal">
        <Typography.Text type="secondary">{tag.definition.description || t('tags.tuneHelp')}</Typography.Text>
        {versions.isPending ? (
          <Skeleton active />
        ) : (
          <ParamFields
            spec={spec}
            defaults={defaults}
            onChange={(s) => {
              preview.reset();
              setSpec(s);
            }}
          />
        )}
        <Flex gap={16} align="center" wrap>
          <Button icon={<EyeOutlined />} onClick={() => preview.mutate()} loading={preview.isPending}>
            {t('tags.preview')}
          </Button>
          <Checkbox checked={refreshAfter} onChange={(e) => setRefreshAfter(e.target.checked)}>
            {t('tags.refreshAfterSave')}
          </Checkbox>
          {changed && (
            <Typography.Text type="warning">
              {t('tags.newVersionNote', { version: tag.version + 1 })}
            </Typography.Text>
          )}
        </Flex>
        {(preview.data || preview.error) && (
          <PreviewPanel
            result={preview.data}
            error={preview.error}
            current={detail?.stats && detail.stats.values.length > 0 ? detail.stats.values : undefined}
          />
        )}
      </Flex>
    </Modal>
  );
}
