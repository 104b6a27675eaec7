import { useMutation } from '@tanstack/react-query';
import { Alert, Input, Modal, Space, Typography } from 'antd';
import { useState } from 'react';
import { useI18n } from '../../i18n';
import { sourcesApi, type RejectedRecord, type ReplayResult } from './api';
import { ErrorAlert } from '../../ui/error-alert';

/** Corrects one rejected record's payload (JSON) and replays it through the pipeline. */
export function EditReplayModal({
  record,
  onClose,
  onReplayed,
}: {
  record: RejectedRecord;
  onClose: () => void;
  onReplayed: (r: ReplayResult) => void;
}): React.JSX.Element {
  const { t } = useI18n();
  const [text, setText] = useState(() =>
    typeof record.payload === 'string' ? record.payload : JSON.stringify(record.payload, null, 2),
  );
  let parsed: { ok: true; value: unknown } | { ok: false; message: string };
  try {
    parsed = { ok: true, value: JSON.parse(text) };
  } catch (err) {
    parsed = { ok: false, message: (err as Error).message };
  }
  const replay = useMutation({
    mutationFn: (payload: unknown) => sourcesApi.replay({ ids: [record.id], payload }),
    // Still refused: the modal stays open with the new reason, to correct again.
    onSuccess: (r) => {
      if (r.stillRejected === 0) onReplayed(r);
    },
  });
  const still = replay.data?.results.find((r) => r.outcome === 'rejected');
  return (
    <Modal
      open
      width={760}
      title={t('sources.rejected.editTitle')}
      okText={t('sources.rejected.replayOne')}
      cancelText={t('common.cancel')}
      okButtonProps={{ disabled: !parsed.ok }}
      confirmLoading={replay.isPending}
      onOk={() => parsed.ok && replay.mutate(parsed.value)}
      onCancel={onClose}
    >
      <Space orientation="vertical" style={{ width: '100%' }}>
        <Typography.Text type="danger">
          {record.code}: {record.reason}
        </Typography.Text>
        <Input.TextArea
          value={text}
          onChange={(e) => setText(e.target.value)}
          autoSize={{ minRows: 10, maxRows: 24 }}
          style={{ fontFamily: 'monospace', fontSize: 12 }}
          aria-label={t('sources.rejected.payload')}
        />
        {!parsed.ok && (
          <Alert type="error" showIcon title={t('sources.rejected.badJson', { message: parsed.message })} />
        )}
        {still && <Alert type="warning" showIcon title={`${still.code}: ${still.reason}`} />}
        {replay.error && <ErrorAlert error={replay.error} />}
      </Space>
    </Modal>
  );
}
