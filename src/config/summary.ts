/**
 * The configuration as a person reads it: one `NAME=value  # source` line per variable under its
 * heading, then the problems, the ignored Open WebUI variables and the warnings. Secrets are
 * masked.
 */
import { scrubSecrets, secretValuesIn } from './mask-secret';
import type { ConfigGroup, ConfigResult, ConfigSetting, SettingSource } from './types';

const groupOrder: readonly ConfigGroup[] = [
  'Server',
  'Accounts',
  'Storage',
  'Connections',
  'Timeouts',
  'Models',
  'RAG',
  'Web search',
  'Audio',
];

/** Values longer than this do not push every other line's comment further right. */
const widestAlignedSetting = 56;

function describeSource(source: SettingSource): string {
  switch (source.kind) {
    case 'set':
      return 'set';
    case 'default':
      return 'default';
    case 'alias':
      return `alias ${source.name}`;
    case 'composed':
      return `from ${source.names.join(', ')}`;
  }
}

function settingLines(settings: readonly ConfigSetting[]): string[] {
  const width = Math.min(widestAlignedSetting, Math.max(0, ...settings.map((setting) => setting.variable.length + 1 + setting.value.length)));
  const lines: string[] = [];
  for (const group of groupOrder) {
    const inGroup = settings.filter((setting) => setting.group === group);
    if (inGroup.length === 0) continue;
    lines.push(group);
    for (const setting of inGroup) {
      const assignment = `${setting.variable}=${setting.value}`.padEnd(width);
      const note = setting.note === undefined ? '' : `; ${setting.note}`;
      lines.push(`  ${assignment}  # ${describeSource(setting.source)}${note}`);
    }
  }
  return lines;
}

function section(title: string, entries: readonly string[]): string[] {
  return entries.length === 0 ? [] : [`${title} (${entries.length})`, ...entries.map((entry) => `  ${entry}`)];
}

/**
 * The summary of a `loadConfig` result. `env` is the environment it was loaded from: every secret
 * in it is scrubbed from the text as a last guard, whatever line it would have reached.
 */
export function formatConfigSummary(result: ConfigResult, env: Record<string, string | undefined>): string {
  const problems = result.problems.map((problem) => problem.message);
  const lines = [
    'Astra configuration',
    ...settingLines(result.settings),
    '',
    ...(problems.length === 0 ? ['No problems.'] : section('Problems', problems)),
    ...section('Ignored Open WebUI variables', result.ignored),
    ...section('Warnings', result.warnings),
  ];
  return scrubSecrets(`${lines.join('\n')}\n`, secretValuesIn(env));
}
