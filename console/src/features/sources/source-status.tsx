import { Tag } from 'antd';
import { useI18n } from '../../i18n';

const COLORS: Record<string, string> = {
  enabled: 'green',
  healthy: 'green',
  ok: 'green',
  idle: 'default',
  quiet: 'default',
  warning: 'orange',
  degraded: 'orange',
  failing: 'red',
  error: 'red',
  disabled: 'default',
};

/** A source's health as the server reports it; an unknown status shows as the server words it. */
export function SourceStatus({ status }: { status: string }): React.JSX.Element {
  const { tryT } = useI18n();
  return <Tag color={COLORS[status] ?? 'default'}>{tryT(`source.status.${status}`) ?? status}</Tag>;
}
