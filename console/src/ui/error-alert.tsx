import { Alert, App, Button, Typography } from 'antd';
import { useCallback } from 'react';
import { ApiError } from '../api';
import { useI18n, type I18n } from '../i18n';

/** What to tell the user about a failed request: the server's own message, or ours for transport failures. */
export function describeError(err: unknown, t: I18n['t']): { title: string; detail?: string } {
  if (err instanceof ApiError) {
    if (err.code === 'network') return { title: t('error.network'), detail: err.message };
    if (err.code === 'bad_response') return { title: t('error.badResponse', { status: err.status }) };
    const ref = err.requestId ? ` · ${t('error.requestId')} ${err.requestId}` : '';
    return { title: err.message, detail: `${err.code} (HTTP ${err.status})${ref}` };
  }
  return { title: err instanceof Error ? err.message : String(err) };
}

/** A failed read, in place of what it would have shown. */
export function ErrorAlert({ error, onRetry }: { error: unknown; onRetry?: () => void }): React.JSX.Element {
  const { t } = useI18n();
  const { title, detail } = describeError(error, t);
  const details: unknown[] = error instanceof ApiError && Array.isArray(error.details) ? error.details : [];
  return (
    <Alert
      type="error"
      showIcon
      title={title}
      description={
        detail || details.length > 0 ? (
          <>
            {detail && <Typography.Text type="secondary">{detail}</Typography.Text>}
            {details.length > 0 && (
              <ul>
                {details.map((d, i) => (
                  <li key={i}>
                    {typeof d === 'object' && d !== null && 'path' in d && 'message' in d
                      ? `${String(d.path)}: ${String(d.message)}`
                      : JSON.stringify(d)}
                  </li>
                ))}
              </ul>
            )}
          </>
        ) : undefined
      }
      action={
        onRetry ? (
          <Button size="small" onClick={onRetry}>
            {t('error.retry')}
          </Button>
        ) : undefined
      }
    />
  );
}

/** Shows a failed action (a create, a save) as a toast. */
export function useShowError(): (err: unknown) => void {
  const { message } = App.useApp();
  const { t } = useI18n();
  return useCallback(
    (err: unknown) => {
      const { title, detail } = describeError(err, t);
      void message.error(detail ? `${title} — ${detail}` : title);
    },
    [message, t],
  );
}
