/** CLI text in zh-CN and en. The language comes from --lang, TESSERA_LANG, or LANG. */
export type Lang = 'zh-CN' | 'en';

const MESSAGES = {
  evalLoading: {
    en: 'Generating the demo brand ({people} people) and loading it into a temporary store…',
    'zh-CN': '正在生成演示品牌（{people} 人）并载入临时存储…',
  },
  evalSummary: {
    en: '{records} records scored ({notStored} rejected at ingestion or without identifiers), {profiles} profiles for {people} people; loaded and resolved in {seconds}s',
    'zh-CN':
      '已评估 {records} 条记录（{notStored} 条在采集时被拒或无标识），{people} 人对应 {profiles} 个档案；载入与识别用时 {seconds} 秒',
  },
  evalHeader: {
    en: 'pairwise                precision    recall        F1  true pairs',
    'zh-CN': '成对评估                 精确率      召回率        F1    真实配对',
  },
  evalDeterministic: { en: 'deterministic links', 'zh-CN': '确定性关联' },
  evalWithFuzzy: { en: 'with fuzzy matching', 'zh-CN': '含模糊匹配' },
  evalAttainableHeader: {
    en: 'over the pairs the data connects (no exact link can join the others; recall ceiling {ceiling})',
    'zh-CN': '仅计数据本身可关联的配对（其余配对无任何确定性证据；召回率上限 {ceiling}）',
  },
  evalHardHeader: {
    en: 'hard case               people precision    recall        F1   merged  misattr.',
    'zh-CN': '疑难情形                 人数    精确率    召回率        F1  误合并人  错归记录',
  },
  evalMerged: {
    en: 'Pairs of different people merged through their identified records: {merged}. Fuzzy links made: {fuzzy}.',
    'zh-CN': '因已识别记录而被错误合并的不同人配对：{merged}。模糊匹配建立的关联：{fuzzy}。',
  },
  rebuildDone: {
    en: '{workspaceId}: {events} events re-resolved in {seconds}s; profiles {profilesBefore} → {profilesAfter}, identifiers {identifiersBefore} → {identifiersAfter}; {merged} profiles merged, {split} split, {moved} identifiers moved; refusals {refusalsBefore} → {refusalsAfter}; {blocked} blocked values',
    'zh-CN':
      '{workspaceId}：{events} 条事件已重新识别，用时 {seconds} 秒；档案 {profilesBefore} → {profilesAfter}，标识 {identifiersBefore} → {identifiersAfter}；合并 {merged} 个档案，拆分 {split} 个，移动 {moved} 个标识；拒绝关联 {refusalsBefore} → {refusalsAfter}；拦截无效值 {blocked} 次',
  },
  tagsRefreshed: {
    en: '{workspaceId}: {tags} tags and {traits} computed traits for {profiles} profiles in {seconds}s ({tagValues} tag values); facts +{appended}',
    'zh-CN':
      '{workspaceId}：已为 {profiles} 个档案计算 {tags} 个标签、{traits} 个计算属性，用时 {seconds} 秒（标签值 {tagValues} 个）；新增事实 {appended} 条',
  },
  segmentsHeader: {
    en: 'id                                mode      status    size      name',
    'zh-CN': '人群 ID                           方式      状态      人数      名称',
  },
  segmentPreview: {
    en: '{count} people match now ({seconds}s); a sample:',
    'zh-CN': '当前符合条件 {count} 人（用时 {seconds} 秒）；示例：',
  },
  segmentRefreshed: {
    en: '{id}: {size} members, {entered} entered, {exited} left ({seconds}s)',
    'zh-CN': '{id}：{size} 人，新进入 {entered} 人，退出 {exited} 人（用时 {seconds} 秒）',
  },
  tagsHeader: {
    en: 'key                          category     kind       status      version  coverage',
    'zh-CN': '标签键                       类别         类型       状态        版本     覆盖率',
  },
  tagValueHeader: {
    en: 'value                                          profiles',
    'zh-CN': '标签值                                         人数',
  },
  journeysNone: {
    en: 'No journeys yet. Start from a template: tessera journeys templates',
    'zh-CN': '还没有旅程。可从模板开始：tessera journeys templates',
  },
  journeyColId: { en: 'id', 'zh-CN': '旅程 ID' },
  journeyColName: { en: 'name', 'zh-CN': '名称' },
  journeyColStatus: { en: 'status', 'zh-CN': '状态' },
  journeyColVersion: { en: 'version', 'zh-CN': '版本' },
  journeyColInNow: { en: 'in it now', 'zh-CN': '当前人数' },
  journeyColKey: { en: 'key', 'zh-CN': '模板键' },
  journeyColTrigger: { en: 'trigger', 'zh-CN': '触发方式' },
  journeyCreateSource: {
    en: 'Give either a definition file or --template KEY (one of the two).',
    'zh-CN': '请指定旅程定义文件或 --template 模板键（二选一）。',
  },
  journeyTemplateOnly: {
    en: '--segment and --name go with --template; with a definition file, set them in the file.',
    'zh-CN': '--segment 与 --name 仅用于 --template；使用定义文件时请在文件中设置。',
  },
  journeyInvalid: {
    en: 'The journey was not created ({status}): {message}',
    'zh-CN': '旅程未创建（{status}）：{message}',
  },
  journeyCreated: {
    en: 'Draft journey {id} created: {name}. Start it with: tessera journeys activate {id}',
    'zh-CN': '已创建旅程草稿 {id}：{name}。启用：tessera journeys activate {id}',
  },
  journeyActivated: { en: '{id} is active (version {version})', 'zh-CN': '{id} 已启用（版本 {version}）' },
  journeyPaused: { en: '{id} is paused (version {version})', 'zh-CN': '{id} 已暂停（版本 {version}）' },
  journeyArchived: { en: '{id} is archived (version {version})', 'zh-CN': '{id} 已归档（版本 {version}）' },
  journeyBadId: {
    en: '"{id}" is not a journey id (journey ids look like jny_…; see: tessera journeys list)',
    'zh-CN': '“{id}” 不是旅程 ID（旅程 ID 形如 jny_…；可查看：tessera journeys list）',
  },
  journeyBadLimit: {
    en: '--limit must be a whole number from 1 to 10000, not {limit}',
    'zh-CN': '--limit 必须是 1 到 10000 之间的整数，而不是 {limit}',
  },
  fileUnreadable: { en: 'Cannot read {file}: {reason}', 'zh-CN': '无法读取 {file}：{reason}' },
  fileNotJson: { en: '{file} is not valid JSON: {reason}', 'zh-CN': '{file} 不是有效的 JSON：{reason}' },
  metricsTitle: {
    en: '{name} ({id}): {status}, version {version}',
    'zh-CN': '{name}（{id}）：{status}，版本 {version}',
  },
  metricsTotals: { en: 'Totals', 'zh-CN': '总体' },
  metricsEntered: { en: 'entered', 'zh-CN': '进入人数' },
  metricsWaiting: { en: 'waiting', 'zh-CN': '等待中' },
  metricsConverted: { en: 'converted', 'zh-CN': '已转化' },
  metricsConversionRate: { en: 'conversion rate', 'zh-CN': '转化率' },
  metricsRevenuePerProfile: { en: 'revenue per profile', 'zh-CN': '人均收入' },
  metricsExits: { en: 'exits by reason', 'zh-CN': '退出（按原因）' },
  metricsNone: { en: 'none', 'zh-CN': '无' },
  metricsSteps: { en: 'Steps', 'zh-CN': '各步骤' },
  stepColStep: { en: 'step', 'zh-CN': '步骤' },
  stepColKind: { en: 'kind', 'zh-CN': '类型' },
  stepColReached: { en: 'reached', 'zh-CN': '到达' },
  stepColSent: { en: 'sent', 'zh-CN': '已发送' },
  stepColDelivered: { en: 'delivered', 'zh-CN': '已送达' },
  stepColOpened: { en: 'opened', 'zh-CN': '已打开' },
  stepColClicked: { en: 'clicked', 'zh-CN': '已点击' },
  stepColFailed: { en: 'failed', 'zh-CN': '失败' },
  metricsAb: { en: 'A/B tests', 'zh-CN': 'A/B 测试' },
  metricsAbNone: {
    en: 'Nobody has passed an A/B step of this journey.',
    'zh-CN': '尚无人经过本旅程的 A/B 步骤。',
  },
  metricsHoldout: { en: 'Holdout', 'zh-CN': '全局对照组' },
  metricsHoldoutNone: {
    en: 'Nobody who entered is in the global holdout.',
    'zh-CN': '进入本旅程的人中没有全局对照组成员。',
  },
  groupColGroup: { en: 'group', 'zh-CN': '分组' },
  groupHoldout: { en: 'holdout', 'zh-CN': '对照组' },
  groupTreated: { en: 'treated', 'zh-CN': '触达组' },
  testColComparison: { en: 'comparison', 'zh-CN': '对比' },
  testColBaselineRate: { en: 'baseline rate', 'zh-CN': '基准转化率' },
  testColVariantRate: { en: 'variant rate', 'zh-CN': '对比转化率' },
  testColLift: { en: 'lift', 'zh-CN': '提升' },
  testColPValue: { en: 'p-value', 'zh-CN': 'p 值' },
  testColInterval: { en: '{level} interval', 'zh-CN': '{level} 置信区间' },
  comparisonVs: { en: '{variant} vs {baseline}', 'zh-CN': '{variant} 对比 {baseline}' },
  metricsFootnote: {
    en: 'Lift is the change in conversion rate relative to the baseline; the p-value is a two-sided two-proportion z-test; the interval is for the difference in rates, in percentage points (pp).',
    'zh-CN':
      '提升为转化率相对基准的变化；p 值来自双侧两比例 z 检验；置信区间针对转化率之差，单位为百分点（pp）。',
  },
  deadLettersNone: { en: 'No dead letters.', 'zh-CN': '没有死信。' },
  deadLettersRequeued: {
    en: 'Requeued {requeued} of the {listed} dead letters listed.',
    'zh-CN': '已将列出的 {listed} 条死信中的 {requeued} 条重新排队发送。',
  },
  deadColFailedAt: { en: 'failed at', 'zh-CN': '失败时间' },
  deadColJourney: { en: 'journey', 'zh-CN': '旅程' },
  deadColChannel: { en: 'channel', 'zh-CN': '渠道' },
  deadColProfile: { en: 'profile', 'zh-CN': '档案' },
  deadColAttempts: { en: 'attempts', 'zh-CN': '尝试次数' },
  deadColReason: { en: 'reason', 'zh-CN': '原因' },
  deadColKey: { en: 'key', 'zh-CN': '幂等键' },
  started: {
    en: 'Tessera is running at {url}',
    'zh-CN': 'Tessera 已启动：{url}',
  },
  dataDir: { en: 'Data directory: {dir}', 'zh-CN': '数据目录：{dir}' },
  adminKeyFile: {
    en: 'An admin API key was created and saved to {file} (readable only by you). Use it as "Authorization: Bearer <key>".',
    'zh-CN':
      '已创建管理员 API 密钥并保存到 {file}（仅当前用户可读）。请以 “Authorization: Bearer <密钥>” 使用。',
  },
  consoleLogin: {
    en: 'Console: {url} — sign in as "admin" with the password saved to {file} (readable only by you).',
    'zh-CN': '控制台：{url} —— 以 “admin” 登录，密码已保存到 {file}（仅当前用户可读）。',
  },
  consoleAt: { en: 'Console: {url}', 'zh-CN': '控制台：{url}' },
  apiDocs: {
    en: 'API documentation: {url}/api/v1/openapi.json',
    'zh-CN': 'API 文档：{url}/api/v1/openapi.json',
  },
  collectHint: {
    en: 'Send events with any Segment SDK to {url}/v1/batch (create a source first: POST /api/v1/sources).',
    'zh-CN': '可用任意 Segment SDK 向 {url}/v1/batch 发送事件（先创建数据源：POST /api/v1/sources）。',
  },
  stopping: { en: 'Stopping…', 'zh-CN': '正在停止…' },
  demoLoading: {
    en: 'Empty data directory: loading the demo brand 青妍 ({people} people) in the background…',
    'zh-CN': '数据目录为空：正在后台载入演示品牌“青妍”（{people} 人）…',
  },
  demoLoaded: {
    en: 'Demo brand loaded: {people} people, {events} events in {seconds}s. Open the console at {url}, or look around: {url}/api/v1/sources, {url}/api/v1/events?limit=20, {url}/api/v1/identity/stats (OneID), or find a person: npx tessera profiles lookup --type phone --value <number>',
    'zh-CN':
      '演示品牌已载入：{people} 人，{events} 条事件，用时 {seconds} 秒。打开控制台 {url}，或查看：{url}/api/v1/sources、{url}/api/v1/events?limit=20、{url}/api/v1/identity/stats（OneID），或查找某人：npx tessera profiles lookup --type phone --value <手机号>',
  },
  demoWritten: {
    en: 'Demo brand written: {people} people, {events} events, {mib} MiB in {seconds}s → {dir}',
    'zh-CN': '演示品牌数据已生成：{people} 人，{events} 条事件，{mib} MiB，用时 {seconds} 秒 → {dir}',
  },
  demoFailed: {
    en: 'The demo brand could not be loaded; see the log.',
    'zh-CN': '演示品牌载入失败，请查看日志。',
  },
  configInvalid: { en: 'Configuration is invalid:', 'zh-CN': '配置无效：' },
  noServer: {
    en: 'No running Tessera found for {dir}. Start one with "tessera start", or pass --url and --api-key.',
    'zh-CN': '未找到 {dir} 对应的运行中的 Tessera。请先运行 “tessera start”，或指定 --url 与 --api-key。',
  },
  noApiKey: {
    en: 'No API key: pass --api-key or set TESSERA_API_KEY.',
    'zh-CN': '缺少 API 密钥：请使用 --api-key 或设置 TESSERA_API_KEY。',
  },
  serverUnreachable: {
    en: 'Cannot reach the server at {url} ({reason}). Is it running? Check --url.',
    'zh-CN': '无法连接服务器 {url}（{reason}）。请确认服务正在运行，并检查 --url。',
  },
  requestFailed: { en: 'Request failed ({status}): {message}', 'zh-CN': '请求失败（{status}）：{message}' },
  importing: { en: 'Importing {file} with mapping {mapping}', 'zh-CN': '正在导入 {file}（映射：{mapping}）' },
  importSummary: {
    en: 'Done in {seconds}s: {records} records, {accepted} accepted, {duplicates} already present, {rejected} rejected ({rate} records/s)',
    'zh-CN':
      '完成，用时 {seconds} 秒：共 {records} 条，接收 {accepted} 条，已存在 {duplicates} 条，拒收 {rejected} 条（{rate} 条/秒）',
  },
  rejectedByCode: { en: 'Rejected by reason:', 'zh-CN': '拒收原因：' },
  rejectedNone: { en: 'No rejected records match.', 'zh-CN': '没有符合条件的拒收记录。' },
  replaySummary: {
    en: 'Replayed {attempted}: {accepted} accepted, {duplicates} already present, {still} still rejected',
    'zh-CN': '已重放 {attempted} 条：接收 {accepted} 条，已存在 {duplicates} 条，仍被拒收 {still} 条',
  },
  discarded: { en: 'Discarded {n} records', 'zh-CN': '已丢弃 {n} 条记录' },
  sourceCreated: {
    en: 'Source {name} created ({id}). Write key (shown only now): {writeKey}',
    'zh-CN': '已创建数据源 {name}（{id}）。写入密钥（仅显示这一次）：{writeKey}',
  },
  sourceRotated: {
    en: 'New write key for {name} ({id}) (shown only now): {writeKey}',
    'zh-CN': '数据源 {name}（{id}）的新写入密钥（仅显示这一次）：{writeKey}',
  },
  sourceRetiredKey: {
    en: 'The old key {hint} keeps working until {expiresAt}.',
    'zh-CN': '旧密钥 {hint} 在 {expiresAt} 之前仍然有效。',
  },
  presets: { en: 'Mapping presets:', 'zh-CN': '映射预设：' },
} as const satisfies Record<string, Record<Lang, string>>;

export type MessageKey = keyof typeof MESSAGES;

export function pickLang(explicit: string | undefined, env: Record<string, string | undefined>): Lang {
  const candidate = explicit ?? env.TESSERA_LANG ?? env.LC_ALL ?? env.LANG ?? '';
  if (/^en/i.test(candidate)) return 'en';
  if (/^zh/i.test(candidate)) return 'zh-CN';
  return explicit || env.TESSERA_LANG ? 'zh-CN' : 'en';
}

export function translator(lang: Lang): (key: MessageKey, vars?: Record<string, string | number>) => string {
  return (key, vars = {}) =>
    MESSAGES[key][lang].replace(/\{(\w+)\}/g, (_m, name: string) => String(vars[name] ?? `{${name}}`));
}
