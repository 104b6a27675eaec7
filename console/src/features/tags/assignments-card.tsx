import { UserAddOutlined } from '@ant-design/icons';
import { useMutation } from '@tanstack/react-query';
import { Alert, App, Button, Card, Checkbox, Flex, Form, Input, Popconfirm, Table, Typography } from 'antd';
import { useState } from 'react';
import { useI18n } from '../../i18n';
import { useShowError } from '../../ui/error-alert';
import { tagsApi, type AssignAnswer, type Assignment } from './api';
import { RefreshButton } from './refresh-button';

/**
 * One line per person: a profile id (`prof_…`), or `type:value` for any identifier
 * (`phone:13900001111`, `email:a@b.c`), as an imported list would have them.
 */
export function parseAssignments(
  text: string,
  value: string,
): { rows: Assignment[]; lines: number[]; errors: number[] } {
  const rows: Assignment[] = [];
  /** The text line (from 1) of each row. */
  const lines: number[] = [];
  const errors: number[] = [];
  const tagValue = value.trim() === '' ? undefined : value.trim();
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line) return;
    if (line.startsWith('prof_')) {
      rows.push(tagValue === undefined ? { profileId: line } : { profileId: line, value: tagValue });
      lines.push(i + 1);
    } else {
      const at = line.indexOf(':');
      if (at <= 0 || at === line.length - 1) errors.push(i + 1);
      else {
        const id = { type: line.slice(0, at).trim(), value: line.slice(at + 1).trim() };
        rows.push(tagValue === undefined ? id : { ...id, tagValue });
        lines.push(i + 1);
      }
    }
  });
  return { rows, lines, errors };
}

function AssignResult({
  answer: a,
  lines,
  tagKey,
}: {
  answer: AssignAnswer;
  lines: readonly number[];
  tagKey: string;
}): React.JSX.Element {
  const { t, formatNumber } = useI18n();
  return (
    <Flex vertical gap={8} style={{ marginTop: 16 }}>
      <Alert
        type={a.unresolved.length > 0 ? 'warning' : 'success'}
        showIcon
        title={t('tags.assignResult', {
          assigned: formatNumber(a.assigned),
          unresolved: formatNumber(a.unresolved.length),
        })}
        description={t('tags.savedRefreshHint')}
        action={<RefreshButton keys={[tagKey]} />}
      />
      {a.unresolved.length > 0 && (
        <Table
          size="small"
          rowKey="index"
          pagination={{ pageSize: 10, hideOnSinglePage: true }}
          dataSource={a.unresolved}
          columns={[
            { title: t('tags.assignLine'), dataIndex: 'index', render: (i: number) => lines[i] ?? i + 1 },
            { title: t('tags.assignReason'), dataIndex: 'reason' },
          ]}
        />
      )}
    </Flex>
  );
}

/** Gives a manual tag to people (`POST /api/v1/tags/:key/assignments`); values follow at the next refresh. */
export function AssignmentsCard({
  tagKey,
  canEdit,
}: {
  tagKey: string;
  canEdit: boolean;
}): React.JSX.Element {
  const { t, formatNumber } = useI18n();
  const { message } = App.useApp();
  const showError = useShowError();
  const [text, setText] = useState('');
  const [value, setValue] = useState('');
  const [replace, setReplace] = useState(false);
  const [answer, setAnswer] = useState<{ answer: AssignAnswer; lines: number[] } | null>(null);
  const parsed = parseAssignments(text, value);
  const assign = useMutation({
    mutationFn: () => tagsApi.assign(tagKey, parsed.rows, replace),
    onSuccess: (a) => {
      setAnswer({ answer: a, lines: parsed.lines });
      void message.success(t('tags.assigned', { n: formatNumber(a.assigned) }));
      if (a.unresolved.length === 0) setText('');
    },
    onError: showError,
  });
  const ready = parsed.rows.length > 0 && parsed.errors.length === 0;
  const submit = (
    <Button
      type="primary"
      icon={<UserAddOutlined />}
      disabled={!ready}
      loading={assign.isPending}
      onClick={replace ? undefined : () => assign.mutate()}
    >
      {replace ? t('tags.assignReplace') : t('tags.assign')}
    </Button>
  );

  return (
    <Card title={t('tags.assignments')} size="small" data-testid="tag-assignments">
      {!canEdit ? (
        <Alert type="info" showIcon title={t('tags.readOnly')} />
      ) : (
        <Form layout="vertical" component="div">
          <Form.Item
            label={t('tags.assignPeople')}
            extra={t('tags.assignHelp')}
            validateStatus={parsed.errors.length > 0 ? 'error' : undefined}
            help={
              parsed.errors.length > 0
                ? t('tags.assignBadLines', { lines: parsed.errors.join(', ') })
                : undefined
            }
          >
            <Input.TextArea
              rows={6}
              value={text}
              onChange={(e) => setText(e.target.value)}
              placeholder={'prof_…\nphone:13900001111\nemail:someone@example.com'}
              spellCheck={false}
            />
          </Form.Item>
          <Form.Item label={t('tags.assignValue')} extra={t('tags.assignValueHelp')}>
            <Input
              value={value}
              onChange={(e) => setValue(e.target.value)}
              style={{ maxWidth: 320 }}
              maxLength={200}
            />
          </Form.Item>
          <Flex gap={16} align="center" wrap>
            <Checkbox checked={replace} onChange={(e) => setReplace(e.target.checked)}>
              {t('tags.assignReplaceLabel')}
            </Checkbox>
            {replace ? (
              <Popconfirm
                title={t('tags.assignReplaceConfirm')}
                okText={t('tags.assignReplace')}
                okButtonProps={{ danger: true }}
                cancelText={t('common.cancel')}
                onConfirm={() => assign.mutate()}
                disabled={!ready}
              >
                {submit}
              </Popconfirm>
            ) : (
              submit
            )}
            <Typography.Text type="secondary">
              {t('tags.assignCount', { n: formatNumber(parsed.rows.length) })}
            </Typography.Text>
          </Flex>
          <Typography.Paragraph type="secondary" style={{ marginTop: 12, marginBottom: 0 }}>
            {t('tags.assignRemoveNote')}
          </Typography.Paragraph>
        </Form>
      )}
      {answer && <AssignResult answer={answer.answer} lines={answer.lines} tagKey={tagKey} />}
    </Card>
  );
}
