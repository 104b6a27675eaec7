import { Drawer, Form, Input, Select, Switch } from 'antd';
import { useI18n } from '../../i18n';
import type { Reentry } from './api';
import { DurationField, EventsField, Field, WhereField } from './fields';
import type { JourneySettings } from './graph';

const REENTRY: readonly Reentry[] = ['never', 'after_exit', 'always'];

/** The journey's own settings: name, description, who may enter again and when, the goal. */
export function SettingsDrawer({
  open,
  settings,
  onChange,
  onClose,
  onJsonError,
  readOnly,
}: {
  open: boolean;
  settings: JourneySettings;
  onChange: (s: JourneySettings) => void;
  onClose: () => void;
  onJsonError: (field: string, message: string | null) => void;
  readOnly: boolean;
}): React.JSX.Element {
  const { t } = useI18n();
  const goal = settings.goal;
  return (
    <Drawer open={open} onClose={onClose} size={440} title={t('journeys.settings.title')} destroyOnHidden>
      <Form layout="vertical" component="div" disabled={readOnly} data-testid="journey-settings">
        <Field
          id="journey-name"
          label={t('journeys.settings.name')}
          error={settings.name.trim() ? null : t('journeys.settings.nameRequired')}
        >
          <Input
            id="journey-name"
            value={settings.name}
            maxLength={200}
            onChange={(e) => onChange({ ...settings, name: e.target.value })}
          />
        </Field>
        <Field id="journey-description" label={t('journeys.settings.description')}>
          <Input.TextArea
            id="journey-description"
            value={settings.description}
            rows={2}
            maxLength={2000}
            onChange={(e) => onChange({ ...settings, description: e.target.value })}
          />
        </Field>
        <Field
          id="journey-reentry"
          label={t('journeys.settings.reentry')}
          help={t(`journeys.reentry.${settings.reentry}Help`)}
        >
          <Select
            id="journey-reentry"
            value={settings.reentry}
            onChange={(reentry: Reentry) => onChange({ ...settings, reentry })}
            options={REENTRY.map((r) => ({ value: r, label: t(`journeys.reentry.${r}`) }))}
          />
        </Field>
        <DurationField
          id="journey-cooldown"
          label={t('journeys.settings.cooldown')}
          value={settings.cooldown}
          optional
          disabled={readOnly}
          onChange={(cooldown) => {
            const { cooldown: _c, ...rest } = settings;
            onChange(cooldown ? { ...rest, cooldown } : rest);
          }}
        />
        <Field
          id="journey-goal-on"
          label={t('journeys.settings.goal')}
          help={t('journeys.settings.goalHelp')}
        >
          <Switch
            id="journey-goal-on"
            checked={goal !== undefined}
            onChange={(on) => {
              const { goal: _g, ...rest } = settings;
              onChange(on ? { ...rest, goal: { event: 'Order Completed', within: '7d' } } : rest);
            }}
          />
        </Field>
        {goal && (
          <>
            <EventsField
              id="journey-goal-event"
              label={t('journeys.settings.goalEvent')}
              value={goal.event}
              disabled={readOnly}
              onChange={(event) => onChange({ ...settings, goal: { ...goal, event } })}
            />
            <DurationField
              id="journey-goal-within"
              label={t('journeys.settings.goalWithin')}
              value={goal.within}
              disabled={readOnly}
              onChange={(within) => onChange({ ...settings, goal: { ...goal, within: within ?? '' } })}
            />
            <WhereField
              id="journey-goal-where"
              events={goal.event}
              value={goal.where}
              disabled={readOnly}
              onError={(m) => onJsonError('goal.where', m)}
              onChange={(where) => {
                const { where: _w, ...rest } = goal;
                onChange({ ...settings, goal: where === undefined ? rest : { ...rest, where } });
              }}
            />
          </>
        )}
      </Form>
    </Drawer>
  );
}
