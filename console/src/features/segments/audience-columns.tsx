import { CloseOutlined, PlusOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Button, Flex, Select, Typography } from 'antd';
import { api } from '../../api';
import { useI18n } from '../../i18n';
import { HASHES, type AudienceColumns, type Hash } from './api';
import { useBuilderOptions } from './builder-options';

/**
 * The columns of an export or an audience sync: identifiers (raw for admins only, or MD5 /
 * SHA-256 as ad platforms take them), traits and tags (src/segments/audience.ts).
 */
export function ColumnsPicker({
  value,
  onChange,
  rawAllowed,
}: {
  value: AudienceColumns;
  onChange: (c: AudienceColumns) => void;
  rawAllowed: boolean;
}): React.JSX.Element {
  const { t, tryT } = useI18n();
  const options = useBuilderOptions();
  const rules = useQuery({
    queryKey: ['identity-rules'],
    queryFn: ({ signal }) => api.identifierRules(signal),
  });
  const types = rules.data?.types.map((x) => x.type) ?? ['phone', 'email'];
  const setId = (i: number, p: Partial<{ type: string; hash: Hash }>) =>
    onChange({ ...value, identifiers: value.identifiers.map((x, j) => (j === i ? { ...x, ...p } : x)) });
  return (
    <Flex vertical gap={12}>
      <div>
        <Typography.Text strong>{t('segments.columns.identifiers')}</Typography.Text>
        <Flex vertical gap={6} style={{ marginTop: 6 }}>
          {value.identifiers.map((id, i) => (
            <Flex key={i} gap={8} align="center" data-testid="columns-identifier">
              <Select<string>
                aria-label={t('segments.columns.type')}
                style={{ width: 200 }}
                value={id.type}
                onChange={(type) => setId(i, { type })}
                options={types.map((ty) => ({ value: ty, label: tryT(`identifier.${ty}`) ?? ty }))}
              />
              <Select<Hash>
                aria-label={t('segments.columns.hash')}
                style={{ width: 160 }}
                value={id.hash}
                onChange={(hash) => setId(i, { hash })}
                options={HASHES.map((h) => ({
                  value: h,
                  label: t(`segments.hash.${h}`),
                  disabled: h === 'none' && !rawAllowed,
                }))}
              />
              <Button
                type="text"
                size="small"
                icon={<CloseOutlined />}
                aria-label={t('segments.b.remove')}
                onClick={() =>
                  onChange({ ...value, identifiers: value.identifiers.filter((_, j) => j !== i) })
                }
              />
            </Flex>
          ))}
          <div>
            <Button
              size="small"
              type="dashed"
              icon={<PlusOutlined />}
              disabled={value.identifiers.length >= 20}
              onClick={() =>
                onChange({
                  ...value,
                  identifiers: [
                    ...value.identifiers,
                    { type: types[0] ?? 'phone', hash: rawAllowed ? 'none' : 'sha256' },
                  ],
                })
              }
            >
              {t('segments.columns.addIdentifier')}
            </Button>
          </div>
          {!rawAllowed && (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('segments.columns.rawAdminOnly')}
            </Typography.Text>
          )}
        </Flex>
      </div>
      <Flex gap={16} wrap>
        <Flex vertical gap={4}>
          <Typography.Text strong>{t('segments.members.traits')}</Typography.Text>
          <Select<string[]>
            aria-label={t('segments.members.traits')}
            mode="tags"
            style={{ minWidth: 280 }}
            value={value.traits}
            onChange={(traits) =>
              onChange({
                ...value,
                traits: traits.filter((k) => /^[a-z][a-z0-9_]{0,63}$/.test(k)).slice(0, 50),
              })
            }
            options={options.traits.map((k) => ({ value: k.key, label: k.label }))}
          />
        </Flex>
        <Flex vertical gap={4}>
          <Typography.Text strong>{t('segments.members.tags')}</Typography.Text>
          <Select<string[]>
            aria-label={t('segments.members.tags')}
            mode="multiple"
            style={{ minWidth: 280 }}
            value={value.tags}
            onChange={(tags) => onChange({ ...value, tags: tags.slice(0, 50) })}
            options={options.tags.map((k) => ({ value: k.key, label: k.label }))}
          />
        </Flex>
      </Flex>
    </Flex>
  );
}
