import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Flex, Input, Select, Space, Typography } from 'antd';
import { useState } from 'react';
import { api } from '../../api';
import { useI18n } from '../../i18n';
import { useShowError } from '../../ui/error-alert';
import { segmentsApi, type MemberList, type SegmentDetail } from './api';

/** A static segment's list: identifiers of one type (or profile ids), one per line. */

export interface ListDraft {
  type: string;
  text: string;
}

export const emptyList = (): ListDraft => ({ type: 'phone', text: '' });

/** The list a draft stands for, or null when it holds nothing. */
export function memberListOf(d: ListDraft): MemberList | null {
  const values = [...new Set(d.text.split(/[\n,，;；\t]+/).map((v) => v.trim()))].filter(Boolean);
  if (values.length === 0) return null;
  return d.type === 'profile_id'
    ? { profileIds: values }
    : { identifiers: values.map((value) => ({ type: d.type, value })) };
}

export function ListInput({
  value,
  onChange,
  disabled,
}: {
  value: ListDraft;
  onChange: (d: ListDraft) => void;
  disabled?: boolean;
}): React.JSX.Element {
  const { t, tryT } = useI18n();
  const rules = useQuery({
    queryKey: ['identity-rules'],
    queryFn: ({ signal }) => api.identifierRules(signal),
  });
  const types = [...(rules.data?.types.map((x) => x.type) ?? ['phone', 'email', 'user_id']), 'profile_id'];
  const count = memberListOf(value);
  const n = count?.profileIds?.length ?? count?.identifiers?.length ?? 0;
  return (
    <Flex vertical gap={8}>
      <Space wrap>
        <Typography.Text>{t('segments.static.type')}</Typography.Text>
        <Select<string>
          aria-label={t('segments.static.type')}
          style={{ width: 180 }}
          value={value.type}
          disabled={disabled}
          onChange={(type) => onChange({ ...value, type })}
          options={types.map((ty) => ({ value: ty, label: tryT(`identifier.${ty}`) ?? ty }))}
        />
        <Typography.Text type="secondary">{t('segments.static.count', { n })}</Typography.Text>
      </Space>
      <Input.TextArea
        aria-label={t('segments.static.values')}
        autoSize={{ minRows: 4, maxRows: 14 }}
        placeholder={t('segments.static.placeholder')}
        value={value.text}
        disabled={disabled}
        onChange={(e) => onChange({ ...value, text: e.target.value })}
      />
    </Flex>
  );
}

/** Adds to and removes from an existing static segment. */
export function StaticMembersEditor({ segment }: { segment: SegmentDetail }): React.JSX.Element {
  const { t, formatNumber } = useI18n();
  const { message } = App.useApp();
  const showError = useShowError();
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState<ListDraft>(emptyList);
  const edit = useMutation({
    mutationFn: (how: 'add' | 'remove') => {
      const list = memberListOf(draft);
      if (!list) throw new Error(t('segments.static.emptyList'));
      return segmentsApi.editMembers(segment.id, { [how]: list });
    },
    onSuccess: (r, how) => {
      void queryClient.invalidateQueries({ queryKey: ['segment', segment.id] });
      void queryClient.invalidateQueries({ queryKey: ['segments'] });
      setDraft({ ...draft, text: '' });
      const report = how === 'add' ? r.added : r.removed;
      void message.success(
        t('segments.static.done', {
          matched: formatNumber(report.matched),
          unmatched: formatNumber(report.unmatched),
          size: formatNumber(r.size),
        }),
      );
    },
    onError: showError,
  });
  return (
    <Flex vertical gap={8}>
      <ListInput value={draft} onChange={setDraft} disabled={edit.isPending} />
      <Space>
        <Button
          type="primary"
          loading={edit.isPending && edit.variables === 'add'}
          onClick={() => edit.mutate('add')}
        >
          {t('segments.static.add')}
        </Button>
        <Button
          danger
          loading={edit.isPending && edit.variables === 'remove'}
          onClick={() => edit.mutate('remove')}
        >
          {t('segments.static.remove')}
        </Button>
      </Space>
    </Flex>
  );
}
