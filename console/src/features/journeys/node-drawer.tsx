import { DeleteOutlined, SendOutlined } from '@ant-design/icons';
import { Alert, Button, Drawer, Flex, Form, Input, Popconfirm, Tooltip } from 'antd';
import { useState } from 'react';
import { useI18n } from '../../i18n';
import type { StepKind, Trigger } from './api';
import { Field } from './fields';
import { STEP_ID } from './canvas-edits';
import type { JourneyNode, StepConfig } from './graph';
import { StepForm } from './step-form';
import { kindIcon } from './step-meta';
import { TriggerForm } from './trigger-form';

function StepIdField({
  id,
  disabled,
  onRename,
}: {
  id: string;
  disabled: boolean;
  onRename: (to: string) => string | null;
}): React.JSX.Element {
  const { t } = useI18n();
  const [text, setText] = useState(id);
  const [error, setError] = useState<string | null>(null);
  const apply = () => {
    if (text === id) return setError(null);
    if (!STEP_ID.test(text)) return setError(t('journeys.drawer.stepIdHelp'));
    setError(onRename(text));
  };
  return (
    <Field id="step-id" label={t('journeys.drawer.stepId')} error={error}>
      <Input
        id="step-id"
        value={text}
        disabled={disabled}
        maxLength={64}
        style={{ fontFamily: 'monospace' }}
        onChange={(e) => setText(e.target.value)}
        onBlur={apply}
        onPressEnter={apply}
      />
    </Field>
  );
}

/** Room for what the form holds: a condition builder, property filter rows. */
const WIDTH: Partial<Record<StepKind | 'trigger', number>> = {
  split: 760,
  trigger: 600,
  wait_for_event: 600,
};

/** The side drawer of the selected node: the trigger's or the step's settings. */
export function NodeDrawer({
  node,
  readOnly,
  issues,
  onTrigger,
  onConfig,
  onRename,
  onDelete,
  onClose,
  onJsonError,
  testSend,
}: {
  node: JourneyNode | undefined;
  readOnly: boolean;
  issues: string[];
  onTrigger: (t: Trigger) => void;
  onConfig: (id: string, c: StepConfig) => void;
  /** Null when renamed, else why not. */
  onRename: (from: string, to: string) => string | null;
  onDelete: (id: string) => void;
  onClose: () => void;
  onJsonError: (field: string, message: string | null) => void;
  /** Whether the selected send step can be test-sent now (null: allowed), and how. */
  testSend: { blocked: string | null; open: (stepId: string) => void } | null;
}): React.JSX.Element {
  const { t } = useI18n();
  const kind = node ? (node.type === 'trigger' ? 'trigger' : node.data.config.kind) : 'trigger';
  return (
    <Drawer
      open={node !== undefined}
      onClose={onClose}
      mask={false}
      size={WIDTH[kind] ?? 420}
      destroyOnHidden
      title={
        node && (
          <Flex gap={8} align="center">
            {kindIcon(kind)}
            <span>{t(`journeys.kind.${kind}`)}</span>
          </Flex>
        )
      }
      footer={
        node?.type === 'step' && (
          <Flex justify="space-between">
            {node.data.config.kind === 'send' && testSend ? (
              <Tooltip title={testSend.blocked}>
                <Button
                  icon={<SendOutlined />}
                  disabled={testSend.blocked !== null}
                  onClick={() => testSend.open(node.id)}
                >
                  {t('journeys.test.open')}
                </Button>
              </Tooltip>
            ) : (
              <span />
            )}
            {!readOnly && (
              <Popconfirm
                title={t('journeys.drawer.deleteConfirm', { id: node.id })}
                okText={t('journeys.drawer.delete')}
                cancelText={t('common.cancel')}
                okButtonProps={{ danger: true }}
                onConfirm={() => onDelete(node.id)}
              >
                <Button danger icon={<DeleteOutlined />}>
                  {t('journeys.drawer.delete')}
                </Button>
              </Popconfirm>
            )}
          </Flex>
        )
      }
    >
      {node && (
        <Form
          layout="vertical"
          key={node.id}
          component="div"
          disabled={readOnly}
          data-testid="journey-drawer"
        >
          {issues.length > 0 && (
            <Alert
              type="error"
              showIcon
              style={{ marginBottom: 16 }}
              title={t('journeys.issues.node')}
              description={
                <ul style={{ margin: 0, paddingInlineStart: 18 }}>
                  {issues.map((m, i) => (
                    <li key={i}>{m}</li>
                  ))}
                </ul>
              }
            />
          )}
          {node.type === 'trigger' ? (
            <TriggerForm
              trigger={node.data.trigger}
              onChange={onTrigger}
              onJsonError={onJsonError}
              disabled={readOnly}
            />
          ) : (
            <>
              <StepIdField id={node.id} disabled={readOnly} onRename={(to) => onRename(node.id, to)} />
              <StepForm
                nodeId={node.id}
                config={node.data.config}
                onChange={(c) => onConfig(node.id, c)}
                onJsonError={onJsonError}
                disabled={readOnly}
              />
            </>
          )}
        </Form>
      )}
    </Drawer>
  );
}
