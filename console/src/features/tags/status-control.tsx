import { StopOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Popconfirm, Space, Switch } from 'antd';
import { useI18n } from '../../i18n';
import { useShowError } from '../../ui/error-alert';
import { StatusTag } from '../../ui/status-tag';
import { tagsApi, type Status, type TagInfo } from './api';

/**
 * Enable (active) or disable (back to draft) a tag, or deprecate it, each after a confirmation
 * (`POST /api/v1/tags/:key/status`): only active tags are refreshed.
 */
export function StatusControl({ tag, canEdit }: { tag: TagInfo; canEdit: boolean }): React.JSX.Element {
  const { t, tryT } = useI18n();
  const { message } = App.useApp();
  const showError = useShowError();
  const queryClient = useQueryClient();
  const change = useMutation({
    mutationFn: (status: Status) => tagsApi.setStatus(tag.key, status),
    onSuccess: (info) => {
      void message.success(t('tags.statusChanged', { status: tryT(`status.${info.status}`) ?? info.status }));
      void queryClient.invalidateQueries({ queryKey: ['tag', tag.key] });
      void queryClient.invalidateQueries({ queryKey: ['tags'] });
    },
    onError: showError,
  });
  const active = tag.status === 'active';
  return (
    <Space data-testid="tag-status">
      <StatusTag status={tag.status} />
      {canEdit && (
        <>
          <Popconfirm
            title={active ? t('tags.disableConfirm') : t('tags.enableConfirm')}
            description={active ? t('tags.disableConfirmDetail') : t('tags.enableConfirmDetail')}
            okText={active ? t('tags.disable') : t('tags.enable')}
            cancelText={t('common.cancel')}
            onConfirm={() => change.mutate(active ? 'draft' : 'active')}
          >
            <Switch
              checked={active}
              loading={change.isPending}
              checkedChildren={t('tags.enabled')}
              unCheckedChildren={t('tags.disabled')}
              aria-label={t('tags.enabledSwitch')}
              data-testid="tag-status-switch"
            />
          </Popconfirm>
          {tag.status !== 'deprecated' && (
            <Popconfirm
              title={t('tags.deprecateConfirm')}
              description={t('tags.deprecateConfirmDetail')}
              okText={t('tags.deprecate')}
              okButtonProps={{ danger: true }}
              cancelText={t('common.cancel')}
              onConfirm={() => change.mutate('deprecated')}
            >
              <Button size="small" danger icon={<StopOutlined />} disabled={change.isPending}>
                {t('tags.deprecate')}
              </Button>
            </Popconfirm>
          )}
        </>
      )}
    </Space>
  );
}
