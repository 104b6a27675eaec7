import { UserAddOutlined, UserDeleteOutlined } from '@ant-design/icons';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  Flex,
  Form,
  Input,
  Popconfirm,
  Segmented,
  Table,
  Typography,
} from 'antd';
import { useState } from 'react';
import { roleAllows } from '../../api-types';
import { Link } from '../../app/router';
import { useUser } from '../../app/session';
import { useI18n } from '../../i18n';
import { ErrorAlert, useShowError } from '../../ui/error-alert';
import { tagsApi, type AssignAnswer, type Assignment, type AssignmentsPage } from './api';
import { RefreshButton } from './refresh-button';
import { useActorName } from './use-actor';

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

/** What a submitted list did: how many people were given (or lost) the tag, and the lines not found. */
interface ListResult {
  mode: Mode;
  count: number;
  unresolved: AssignAnswer['unresolved'];
  lines: readonly number[];
}

type Mode = 'assign' | 'remove';
const PAGE_SIZE = 20;

function ListResultAlert({ result: r, tagKey }: { result: ListResult; tagKey: string }): React.JSX.Element {
  const { t, formatNumber } = useI18n();
  const unresolved = formatNumber(r.unresolved.length);
  return (
    <Flex vertical gap={8} style={{ marginTop: 16 }}>
      <Alert
        type={r.unresolved.length > 0 ? 'warning' : 'success'}
        showIcon
        title={
          r.mode === 'assign'
            ? t('tags.assignResult', { assigned: formatNumber(r.count), unresolved })
            : t('tags.removeResult', { removed: formatNumber(r.count), unresolved })
        }
        description={t('tags.savedRefreshHint')}
        action={<RefreshButton keys={[tagKey]} />}
      />
      {r.unresolved.length > 0 && (
        <Table
          size="small"
          rowKey="index"
          pagination={{ pageSize: 10, hideOnSinglePage: true }}
          dataSource={r.unresolved}
          columns={[
            { title: t('tags.assignLine'), dataIndex: 'index', render: (i: number) => r.lines[i] ?? i + 1 },
            { title: t('tags.assignReason'), dataIndex: 'reason' },
          ]}
        />
      )}
    </Flex>
  );
}

const showValue = (v: unknown, yes: string): string =>
  v === true ? yes : typeof v === 'string' ? v : JSON.stringify(v);

/**
 * Who holds the tag by assignment (`GET /api/v1/tags/:key/assignments`), a page at a time, each
 * with a button that takes it from that person alone.
 */
function Holders({ tagKey, canEdit }: { tagKey: string; canEdit: boolean }): React.JSX.Element {
  const { t, formatDate, formatNumber } = useI18n();
  const { message } = App.useApp();
  const showError = useShowError();
  const queryClient = useQueryClient();
  const user = useUser();
  const actor = useActorName();
  const [page, setPage] = useState(1);
  const q = useQuery({
    queryKey: ['tag', tagKey, 'assignments', page],
    queryFn: ({ signal }) =>
      tagsApi.assignments(tagKey, { limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE }, signal),
    placeholderData: keepPreviousData,
  });
  const remove = useMutation({
    mutationFn: (profileId: string) => tagsApi.unassign(tagKey, [{ profileId }]),
    onSuccess: (_, profileId) => {
      void message.success(t('tags.removedOne', { profile: profileId }));
      void queryClient.invalidateQueries({ queryKey: ['tag', tagKey, 'assignments'] });
    },
    onError: showError,
  });
  const canOpen = roleAllows(user.role, 'analyst');
  type Row = AssignmentsPage['assignments'][number];
  if (q.error) return <ErrorAlert error={q.error} onRetry={() => void q.refetch()} />;
  return (
    <Flex vertical gap={8}>
      <Typography.Text type="secondary" data-testid="tag-holders-total">
        {t('tags.holders', { n: formatNumber(q.data?.total ?? 0) })}
      </Typography.Text>
      <Table<Row>
        data-testid="tag-holders"
        size="small"
        rowKey="profileId"
        loading={q.isFetching}
        dataSource={q.data?.assignments ?? []}
        locale={{ emptyText: t('tags.holdersEmpty') }}
        pagination={{
          current: page,
          pageSize: PAGE_SIZE,
          total: q.data?.total ?? 0,
          hideOnSinglePage: true,
          showSizeChanger: false,
          onChange: setPage,
        }}
        columns={[
          {
            title: t('tags.holderProfile'),
            dataIndex: 'profileId',
            render: (id: string) =>
              canOpen ? (
                <Link to={`/people/${encodeURIComponent(id)}`} style={{ fontFamily: 'monospace' }}>
                  {id}
                </Link>
              ) : (
                <Typography.Text code>{id}</Typography.Text>
              ),
          },
          {
            title: t('tags.assignValue'),
            dataIndex: 'value',
            render: (v: unknown) => showValue(v, t('common.yes')),
          },
          { title: t('tags.holderAt'), dataIndex: 'assignedAt', render: (at: string) => formatDate(at) },
          { title: t('tags.holderBy'), dataIndex: 'assignedBy', render: (by: string | null) => actor(by) },
          ...(canEdit
            ? [
                {
                  key: 'remove',
                  title: '',
                  render: (_: unknown, r: Row) => (
                    <Popconfirm
                      title={t('tags.removeOneConfirm', { profile: r.profileId })}
                      okText={t('tags.remove')}
                      okButtonProps={{ danger: true }}
                      cancelText={t('common.cancel')}
                      onConfirm={() => remove.mutate(r.profileId)}
                    >
                      <Button
                        size="small"
                        danger
                        icon={<UserDeleteOutlined />}
                        loading={remove.isPending && remove.variables === r.profileId}
                      >
                        {t('tags.remove')}
                      </Button>
                    </Popconfirm>
                  ),
                },
              ]
            : []),
        ]}
      />
    </Flex>
  );
}

/**
 * A manual tag's people: who holds it now, and a list (profile ids or identifiers, one per line)
 * to give it to (`POST /api/v1/tags/:key/assignments`, optionally replacing everyone) or to take
 * it from (`…/assignments/remove`). Profiles' values follow at the next refresh.
 */
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
  const queryClient = useQueryClient();
  const [mode, setMode] = useState<Mode>('assign');
  const [text, setText] = useState('');
  const [value, setValue] = useState('');
  const [replace, setReplace] = useState(false);
  const [result, setResult] = useState<ListResult | null>(null);
  const parsed = parseAssignments(text, mode === 'assign' ? value : '');
  const submitList = useMutation({
    mutationFn: async (): Promise<ListResult> => {
      if (mode === 'assign') {
        const a = await tagsApi.assign(tagKey, parsed.rows, replace);
        return { mode, count: a.assigned, unresolved: a.unresolved, lines: parsed.lines };
      }
      const r = await tagsApi.unassign(
        tagKey,
        parsed.rows.map((row) =>
          'profileId' in row ? { profileId: row.profileId } : { type: row.type, value: row.value },
        ),
      );
      return { mode, count: r.removed, unresolved: r.unresolved, lines: parsed.lines };
    },
    onSuccess: (r) => {
      setResult(r);
      void message.success(
        r.mode === 'assign'
          ? t('tags.assigned', { n: formatNumber(r.count) })
          : t('tags.removed', { n: formatNumber(r.count) }),
      );
      if (r.unresolved.length === 0) setText('');
      void queryClient.invalidateQueries({ queryKey: ['tag', tagKey, 'assignments'] });
    },
    onError: showError,
  });
  const ready = parsed.rows.length > 0 && parsed.errors.length === 0;
  const confirm =
    mode === 'remove' ? t('tags.removeListConfirm') : replace ? t('tags.assignReplaceConfirm') : undefined;
  const submit = (
    <Button
      type="primary"
      danger={mode === 'remove'}
      icon={mode === 'remove' ? <UserDeleteOutlined /> : <UserAddOutlined />}
      disabled={!ready}
      loading={submitList.isPending}
      onClick={confirm ? undefined : () => submitList.mutate()}
    >
      {mode === 'remove' ? t('tags.removeList') : replace ? t('tags.assignReplace') : t('tags.assign')}
    </Button>
  );

  return (
    <Card title={t('tags.assignments')} size="small" data-testid="tag-assignments">
      <Flex vertical gap={16}>
        <Holders tagKey={tagKey} canEdit={canEdit} />
        {!canEdit ? (
          <Alert type="info" showIcon title={t('tags.readOnly')} />
        ) : (
          <Form layout="vertical" component="div">
            <Form.Item>
              <Segmented<Mode>
                value={mode}
                onChange={setMode}
                options={[
                  { value: 'assign', label: t('tags.modeAssign') },
                  { value: 'remove', label: t('tags.modeRemove') },
                ]}
              />
            </Form.Item>
            <Form.Item
              label={t('tags.assignPeople')}
              htmlFor="tag-assign-people"
              extra={t('tags.assignHelp')}
              validateStatus={parsed.errors.length > 0 ? 'error' : undefined}
              help={
                parsed.errors.length > 0
                  ? t('tags.assignBadLines', { lines: parsed.errors.join(', ') })
                  : undefined
              }
            >
              <Input.TextArea
                id="tag-assign-people"
                rows={6}
                value={text}
                onChange={(e) => setText(e.target.value)}
                placeholder={'prof_…\nphone:13900001111\nemail:someone@example.com'}
                spellCheck={false}
              />
            </Form.Item>
            {mode === 'assign' && (
              <Form.Item
                label={t('tags.assignValue')}
                extra={t('tags.assignValueHelp')}
                htmlFor="tag-assign-value"
              >
                <Input
                  id="tag-assign-value"
                  value={value}
                  onChange={(e) => setValue(e.target.value)}
                  style={{ maxWidth: 320 }}
                  maxLength={200}
                />
              </Form.Item>
            )}
            <Flex gap={16} align="center" wrap>
              {mode === 'assign' && (
                <Checkbox checked={replace} onChange={(e) => setReplace(e.target.checked)}>
                  {t('tags.assignReplaceLabel')}
                </Checkbox>
              )}
              {confirm ? (
                <Popconfirm
                  title={confirm}
                  okText={mode === 'remove' ? t('tags.removeList') : t('tags.assignReplace')}
                  okButtonProps={{ danger: true }}
                  cancelText={t('common.cancel')}
                  onConfirm={() => submitList.mutate()}
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
          </Form>
        )}
      </Flex>
      {result && <ListResultAlert result={result} tagKey={tagKey} />}
    </Card>
  );
}
