import { PoweroffOutlined, SettingOutlined, ThunderboltOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Popconfirm, Progress, Space, Table, Tag as AntTag, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { Link } from '../../app/router';
import { useI18n } from '../../i18n';
import { useShowError } from '../../ui/error-alert';
import { StatusTag } from '../../ui/status-tag';
import { tagsApi, type TagDetail, type TagInfo } from './api';
import { paramSummary } from './params';
import { useParamLabel } from './param-fields';
import { TEMPLATE_FAMILIES, tagName, templateFamily, type TemplateFamily } from './templates';
import { TuneModal } from './tune-modal';

const FAMILY_ORDER: readonly TemplateFamily[] = [...TEMPLATE_FAMILIES.map((f) => f.family), 'other'];

/** The built-in templates (lifecycle, RFM, value, interests, activity): enabled or not, their parameters, enable and tune. */
export function TemplatesTab({
  tags,
  loading,
  details,
  canEdit,
}: {
  tags: readonly TagInfo[];
  loading: boolean;
  details: ReadonlyMap<string, TagDetail>;
  canEdit: boolean;
}): React.JSX.Element {
  const { t, tryT, lang, formatNumber } = useI18n();
  const { message } = App.useApp();
  const showError = useShowError();
  const queryClient = useQueryClient();
  const label = useParamLabel();
  const [tuning, setTuning] = useState<TagInfo | null>(null);

  const templates = useMemo(() => {
    const rank = (x: TagInfo) => {
      const f = templateFamily(x)!;
      const keys: readonly string[] = TEMPLATE_FAMILIES.find((g) => g.family === f)?.keys ?? [];
      return FAMILY_ORDER.indexOf(f) * 100 + (keys.includes(x.key) ? keys.indexOf(x.key) : 99);
    };
    return tags.filter((x) => templateFamily(x) !== null).sort((a, b) => rank(a) - rank(b));
  }, [tags]);
  const enabled = templates.filter((x) => x.status === 'active').length;

  const disable = useMutation({
    mutationFn: (key: string) => tagsApi.setStatus(key, 'draft'),
    onSuccess: (info) => {
      void message.success(t('tags.templateDisabled', { name: tagName(info, lang) }));
      void queryClient.invalidateQueries({ queryKey: ['tag', info.key] });
      void queryClient.invalidateQueries({ queryKey: ['tags'] });
    },
    onError: showError,
  });

  return (
    <>
      <Typography.Paragraph type="secondary">
        {t('tags.templatesIntro', { enabled, total: templates.length })}
      </Typography.Paragraph>
      <Table<TagInfo>
        rowKey="key"
        data-testid="templates-table"
        loading={loading}
        dataSource={templates}
        pagination={false}
        locale={{ emptyText: t('common.empty') }}
        scroll={{ x: 1000 }}
        columns={[
          {
            title: t('tags.template'),
            render: (_, x) => (
              <Space orientation="vertical" size={0}>
                <Link to={`/tags/${x.key}`}>
                  <Typography.Text strong style={{ color: 'inherit' }}>
                    {tagName(x, lang)}
                  </Typography.Text>
                </Link>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {tryT(`tags.template.${x.key}`) ?? x.definition.description}
                </Typography.Text>
              </Space>
            ),
          },
          {
            title: t('tags.family'),
            render: (_, x) => {
              const f = templateFamily(x)!;
              return <AntTag color="gold">{tryT(`tags.family.${f}`) ?? f}</AntTag>;
            },
          },
          {
            title: t('common.status'),
            render: (_, x) => (
              <Space size={4}>
                <StatusTag status={x.status} />
                {x.version > 1 && <AntTag color="blue">{t('tags.tuned', { version: x.version })}</AntTag>}
              </Space>
            ),
          },
          {
            title: t('tags.parameters'),
            render: (_, x) => (
              <Typography.Text style={{ fontSize: 12 }}>
                {paramSummary(x.definition.spec, label) || '—'}
              </Typography.Text>
            ),
          },
          {
            title: t('tags.coverage'),
            width: 170,
            render: (_, x) => {
              const s = details.get(x.key)?.stats;
              if (!s) return '—';
              return (
                <Space size={6}>
                  <Progress
                    percent={s.coverage * 100}
                    showInfo={false}
                    size="small"
                    style={{ width: 72, margin: 0 }}
                  />
                  {formatNumber(s.coverage, { style: 'percent', maximumFractionDigits: 1 })}
                </Space>
              );
            },
          },
          {
            title: '',
            key: 'actions',
            render: (_, x) =>
              canEdit ? (
                <Space wrap>
                  {x.status === 'active' ? (
                    <>
                      <Button
                        size="small"
                        icon={<SettingOutlined />}
                        onClick={() => setTuning(x)}
                        data-testid={`tune-${x.key}`}
                      >
                        {t('tags.tune')}
                      </Button>
                      <Popconfirm
                        title={t('tags.disableTemplateConfirm', { name: tagName(x, lang) })}
                        description={t('tags.disableConfirmDetail')}
                        okText={t('tags.disable')}
                        okButtonProps={{ danger: true }}
                        cancelText={t('common.cancel')}
                        onConfirm={() => disable.mutate(x.key)}
                      >
                        <Button
                          size="small"
                          icon={<PoweroffOutlined />}
                          loading={disable.isPending && disable.variables === x.key}
                        >
                          {t('tags.disable')}
                        </Button>
                      </Popconfirm>
                    </>
                  ) : (
                    <Button
                      size="small"
                      type="primary"
                      icon={<ThunderboltOutlined />}
                      onClick={() => setTuning(x)}
                      data-testid={`enable-${x.key}`}
                    >
                      {t('tags.enableWithParams')}
                    </Button>
                  )}
                </Space>
              ) : null,
          },
        ]}
      />
      {tuning && (
        <TuneModal
          key={tuning.key}
          tag={tuning}
          detail={details.get(tuning.key)}
          onClose={() => setTuning(null)}
        />
      )}
    </>
  );
}
