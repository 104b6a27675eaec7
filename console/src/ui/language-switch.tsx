import { Segmented } from 'antd';
import { LANGS, useI18n, type Lang } from '../i18n';

export function LanguageSwitch(): React.JSX.Element {
  const { lang, setLang, t } = useI18n();
  return (
    <Segmented<Lang>
      aria-label={t('lang.label')}
      size="small"
      value={lang}
      onChange={setLang}
      options={LANGS.map((l) => ({ value: l, label: t(`lang.${l}`) }))}
    />
  );
}
