import { Tag as AntTag, Tooltip } from 'antd';
import { useI18n } from '../../i18n';
import type { TagInfo } from './api';
import { templateFamily } from './templates';

const COLORS: Record<string, string> = {
  rule: 'blue',
  bucket: 'geekblue',
  range: 'cyan',
  computed: 'purple',
  model: 'magenta',
  manual: 'orange',
};

/** A tag's kind (rule, bucket, range, computed, model, manual), and "template" for a built-in one. */
export function KindTag({ tag }: { tag: TagInfo }): React.JSX.Element {
  const { t, tryT } = useI18n();
  const spec = tag.definition.spec;
  const kind = tryT(`tags.kind.${spec.kind}`) ?? spec.kind;
  const model = spec.kind === 'model' ? (tryT(`tags.model.${spec.model}`) ?? spec.model) : null;
  const family = templateFamily(tag);
  return (
    <span style={{ whiteSpace: 'nowrap' }}>
      {family && (
        <Tooltip title={tryT(`tags.family.${family}`) ?? family}>
          <AntTag color="gold">{t('tags.kind.template')}</AntTag>
        </Tooltip>
      )}
      <AntTag color={COLORS[spec.kind] ?? 'default'}>{model ? `${kind} · ${model}` : kind}</AntTag>
    </span>
  );
}
