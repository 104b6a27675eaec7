import { useI18n } from '../../i18n';

/** A refused link's reason as the graph names it: `unmerged`, `shared`, or `limit:<type>`. */
export function useReasonLabel(): (reason: string) => string {
  const { t } = useI18n();
  return (reason) => {
    if (reason.startsWith('limit:'))
      return t('settings.identity.reason.limit', { type: reason.slice('limit:'.length) });
    if (reason === 'unmerged') return t('settings.identity.reason.unmerged');
    if (reason === 'shared') return t('settings.identity.reason.shared');
    return reason;
  };
}
