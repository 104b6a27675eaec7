import { SyncOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Popconfirm } from 'antd';
import { useI18n } from '../../i18n';
import { useShowError } from '../../ui/error-alert';
import { tagsApi } from './api';

/**
 * "Refresh now" (`POST /api/v1/tags/refresh`): every active tag, or the given ones with the tags
 * they read. The server answers when the computation is done, so the button spins meanwhile.
 */
export function RefreshButton({
  keys,
  disabled,
  type = 'default',
}: {
  keys?: string[];
  disabled?: boolean;
  type?: 'default' | 'primary';
}): React.JSX.Element {
  const { t, formatNumber } = useI18n();
  const { message } = App.useApp();
  const showError = useShowError();
  const queryClient = useQueryClient();
  const refresh = useMutation({
    mutationFn: () => tagsApi.refresh(keys),
    onSuccess: (r) => {
      void message.success(
        t('tags.refreshDone', {
          tags: formatNumber(r.tags.length),
          profiles: formatNumber(r.profiles),
          seconds: formatNumber(r.millis / 1000, { maximumFractionDigits: 1 }),
        }),
      );
      void queryClient.invalidateQueries({ queryKey: ['tag'] });
      void queryClient.invalidateQueries({ queryKey: ['tags'] });
      void queryClient.invalidateQueries({ queryKey: ['overview'] });
    },
    onError: showError,
  });
  return (
    <Popconfirm
      title={keys ? t('tags.refreshOneConfirm') : t('tags.refreshAllConfirm')}
      okText={t('tags.refreshNow')}
      cancelText={t('common.cancel')}
      onConfirm={() => refresh.mutate()}
      disabled={disabled}
    >
      <Button
        type={type}
        icon={<SyncOutlined />}
        loading={refresh.isPending}
        disabled={disabled}
        data-testid="tags-refresh-now"
      >
        {refresh.isPending ? t('tags.refreshing') : t('tags.refreshNow')}
      </Button>
    </Popconfirm>
  );
}
