import { Tag } from 'antd';
import { useI18n } from '../../i18n';

const COLORS = { accepted: 'green', ok: 'green', duplicate: 'default', rejected: 'red' } as const;

/** What the pipeline did with a message: accepted, already there, or refused. */
export function ResultTag({ result }: { result: keyof typeof COLORS }): React.JSX.Element {
  const { t } = useI18n();
  return <Tag color={COLORS[result]}>{t(`sources.result.${result}`)}</Tag>;
}
