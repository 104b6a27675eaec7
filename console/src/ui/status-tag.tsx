import { Tag } from 'antd';
import { useI18n } from '../i18n';

const COLORS: Record<string, string> = {
  active: 'green',
  draft: 'default',
  paused: 'orange',
  deprecated: 'red',
  archived: 'default',
  stopped: 'red',
};

/** The status of a tag, segment or journey. */
export function StatusTag({ status }: { status: string }): React.JSX.Element {
  const { tryT } = useI18n();
  return <Tag color={COLORS[status] ?? 'default'}>{tryT(`status.${status}`) ?? status}</Tag>;
}
