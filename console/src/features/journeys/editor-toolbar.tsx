import {
  CaretRightOutlined,
  HistoryOutlined,
  InboxOutlined,
  PauseOutlined,
  RedoOutlined,
  ReloadOutlined,
  SaveOutlined,
  SettingOutlined,
  UndoOutlined,
} from '@ant-design/icons';
import { App, Button, Space, Tooltip } from 'antd';
import { useI18n } from '../../i18n';
import type { JourneyStatus } from './api';

export type StatusVerb = 'activate' | 'pause' | 'archive';

/** The canvas page's actions: settings, versions, numbers, save, and the status changes (confirmed). */
export function EditorToolbar({
  status,
  saved,
  dirty,
  canWrite,
  busy,
  saveBlocked,
  onSettings,
  onVersions,
  onRefresh,
  refreshing,
  onSave,
  onStatus,
  history,
}: {
  status: JourneyStatus | null;
  saved: boolean;
  dirty: boolean;
  canWrite: boolean;
  busy: 'save' | StatusVerb | null;
  /** Why saving cannot happen now (a JSON field that does not parse), or null. */
  saveBlocked: string | null;
  onSettings: () => void;
  onVersions: () => void;
  onRefresh: (() => void) | null;
  refreshing: boolean;
  onSave: () => void;
  onStatus: (verb: StatusVerb) => void;
  history: { undo: () => void; redo: () => void; canUndo: boolean; canRedo: boolean };
}): React.JSX.Element {
  const { t } = useI18n();
  const { modal } = App.useApp();
  const writable = canWrite && status !== 'archived';

  const confirm = (verb: StatusVerb): void => {
    void modal.confirm({
      title: t(`journeys.confirm.${verb}Title`),
      content:
        t(`journeys.confirm.${verb}`) +
        (dirty && verb === 'activate' ? ` ${t('journeys.confirm.savesFirst')}` : ''),
      okText: t(`journeys.action.${verb === 'activate' && status === 'paused' ? 'resume' : verb}`),
      cancelText: t('common.cancel'),
      okButtonProps: { danger: verb === 'archive' },
      onOk: () => onStatus(verb),
    });
  };

  return (
    <Space wrap>
      {writable && (
        <Space.Compact>
          <Tooltip title={t('journeys.action.undoKeys')}>
            <Button
              icon={<UndoOutlined />}
              onClick={history.undo}
              disabled={!history.canUndo}
              aria-label={t('journeys.action.undo')}
              data-testid="journey-undo"
            />
          </Tooltip>
          <Tooltip title={t('journeys.action.redoKeys')}>
            <Button
              icon={<RedoOutlined />}
              onClick={history.redo}
              disabled={!history.canRedo}
              aria-label={t('journeys.action.redo')}
              data-testid="journey-redo"
            />
          </Tooltip>
        </Space.Compact>
      )}
      <Button icon={<SettingOutlined />} onClick={onSettings} data-testid="journey-settings-open">
        {t('journeys.settings.title')}
      </Button>
      {saved && (
        <Button icon={<HistoryOutlined />} onClick={onVersions}>
          {t('journeys.versions.title')}
        </Button>
      )}
      {onRefresh && (
        <Button icon={<ReloadOutlined />} onClick={onRefresh} loading={refreshing}>
          {t('journeys.action.refreshMetrics')}
        </Button>
      )}
      {writable && (
        <Tooltip
          title={saveBlocked ?? (status === 'active' ? t('journeys.action.saveActiveHelp') : undefined)}
        >
          <Button
            icon={<SaveOutlined />}
            onClick={onSave}
            loading={busy === 'save'}
            disabled={saveBlocked !== null || (saved && !dirty)}
            data-testid="journey-save"
          >
            {t('journeys.action.save')}
          </Button>
        </Tooltip>
      )}
      {writable && status !== 'active' && (
        <Button
          type="primary"
          icon={<CaretRightOutlined />}
          onClick={() => confirm('activate')}
          loading={busy === 'activate'}
          disabled={saveBlocked !== null}
          data-testid="journey-publish"
        >
          {t(status === 'paused' ? 'journeys.action.resume' : 'journeys.action.activate')}
        </Button>
      )}
      {writable && status === 'active' && (
        <Button icon={<PauseOutlined />} onClick={() => confirm('pause')} loading={busy === 'pause'}>
          {t('journeys.action.pause')}
        </Button>
      )}
      {writable && saved && (
        <Button
          danger
          icon={<InboxOutlined />}
          onClick={() => confirm('archive')}
          loading={busy === 'archive'}
        >
          {t('journeys.action.archive')}
        </Button>
      )}
    </Space>
  );
}
