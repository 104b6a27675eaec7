import { HolderOutlined } from '@ant-design/icons';
import { Card, Flex, Typography, theme } from 'antd';
import { useI18n } from '../../i18n';
import type { StepKind } from './api';
import { KIND_COLOR, STEP_KINDS, kindIcon } from './step-meta';

/** The drag type the canvas accepts from the palette. */
export const STEP_DRAG_TYPE = 'application/x-tessera-step';

/** The step types, to drag onto the canvas or to click (added below the selected step). */
export function Palette({ onAdd }: { onAdd: (kind: StepKind) => void }): React.JSX.Element {
  const { t } = useI18n();
  const { token } = theme.useToken();
  return (
    <Card
      size="small"
      title={t('journeys.palette.title')}
      style={{ width: 190, flex: 'none' }}
      styles={{ body: { padding: 8 } }}
      data-testid="journey-palette"
    >
      <Typography.Paragraph type="secondary" style={{ fontSize: 12, marginBottom: 8 }}>
        {t('journeys.palette.hint')}
      </Typography.Paragraph>
      <Flex vertical gap={6}>
        {STEP_KINDS.map((kind) => (
          <div
            key={kind}
            role="button"
            tabIndex={0}
            draggable
            data-testid={`palette-${kind}`}
            aria-label={t('journeys.palette.add', { kind: t(`journeys.kind.${kind}`) })}
            onDragStart={(e) => {
              e.dataTransfer.setData(STEP_DRAG_TYPE, kind);
              e.dataTransfer.effectAllowed = 'move';
            }}
            onClick={() => onAdd(kind)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' || e.key === ' ') {
                e.preventDefault();
                onAdd(kind);
              }
            }}
            style={{
              display: 'flex',
              alignItems: 'center',
              gap: 8,
              padding: '6px 8px',
              borderRadius: 6,
              border: `1px solid ${token.colorBorderSecondary}`,
              borderLeft: `3px solid ${KIND_COLOR[kind]}`,
              background: token.colorBgContainer,
              cursor: 'grab',
              fontSize: 13,
              userSelect: 'none',
            }}
          >
            <span style={{ color: KIND_COLOR[kind] }}>{kindIcon(kind)}</span>
            <span style={{ flex: 1 }}>{t(`journeys.kind.${kind}`)}</span>
            <HolderOutlined style={{ color: token.colorTextQuaternary }} />
          </div>
        ))}
      </Flex>
    </Card>
  );
}
