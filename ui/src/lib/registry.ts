// The registry screens' logic: what an action is called and what it is compared with, metric
// deltas for the confirmation dialog, and how history entries read.
import type { HistoryView, RegistryMetricValue, VersionComparison } from './backend/registry';
import { formatMetric } from './format';
import { goalOf, type Goal } from './metricGoal';

/** Something the model page can do to a version; each goes through the confirmation dialog. */
export type VersionAction =
  | { kind: 'promote'; stage: 'Staging' | 'Production' }
  | { kind: 'archive' }
  | { kind: 'set_alias'; alias: string }
  | { kind: 'delete_alias'; alias: string };

/** The stages in the order the registry shows them. */
export const STAGES = ['Production', 'Staging', 'None', 'Archived'] as const;

/** The dialog's title: `Promote v3 to Production`. */
export function actionTitle(action: VersionAction, version: number): string {
  switch (action.kind) {
    case 'promote':
      return `Promote v${version} to ${action.stage}`;
    case 'archive':
      return `Archive v${version}`;
    case 'set_alias':
      return `Point @${action.alias} at v${version}`;
    case 'delete_alias':
      return `Remove @${action.alias} from v${version}`;
  }
}

/** The confirm button's label. */
export function actionVerb(action: VersionAction): string {
  switch (action.kind) {
    case 'promote':
      return `Promote to ${action.stage}`;
    case 'archive':
      return 'Archive';
    case 'set_alias':
      return `Set @${action.alias}`;
    case 'delete_alias':
      return `Remove @${action.alias}`;
  }
}

/** What the candidate is compared with: the version in the target stage, or the alias's holder. */
export function comparisonTarget(action: VersionAction): { stage?: string; alias?: string } {
  switch (action.kind) {
    case 'promote':
      return { stage: action.stage };
    case 'set_alias':
      return { alias: action.alias };
    case 'archive':
    case 'delete_alias':
      return {};
  }
}

/** How the other side is named in the dialog. */
export function currentLabel(action: VersionAction, current: number | null): string {
  if (current === null) {
    if (action.kind === 'promote') return `No version is in ${action.stage}`;
    if (action.kind === 'set_alias') return `@${action.alias} is not set yet`;
    return '';
  }
  if (action.kind === 'promote') return `v${current}, now in ${action.stage}`;
  if (action.kind === 'set_alias') return `v${current}, now @${action.alias}`;
  return `v${current}`;
}

/** An alias name MLflow accepts: letters, digits, `_` and `-`, not starting with `v<digits>`. */
export function aliasProblem(alias: string): string | null {
  const trimmed = alias.trim();
  if (trimmed === '') return 'Enter an alias name';
  if (!/^[A-Za-z0-9_-]+$/.test(trimmed)) return 'Use letters, digits, _ and - only';
  if (/^v\d+$/i.test(trimmed)) return `'${trimmed}' looks like a version number`;
  if (trimmed.toLowerCase() === 'latest') return "'latest' is reserved";
  return null;
}

function numeric(value: RegistryMetricValue | null): number | null {
  if (value === null) return null;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  return null;
}

export { lowerIsBetter } from './metricGoal';

/**
 * The candidate minus the current value, signed and formatted (`+0.012 (+1.4%)`), its sign, and
 * whether that is better, worse or neither for this metric (by `goal`: the user's choice, or
 * guessed from its name: losses go down).
 */
export function metricDelta(
  candidate: RegistryMetricValue | null,
  current: RegistryMetricValue | null,
  key = '',
  goal: Goal = goalOf({}, key),
): { text: string; sign: 'up' | 'down' | 'same' | null; verdict: 'better' | 'worse' | null } {
  const a = numeric(candidate);
  const b = numeric(current);
  if (a === null || b === null) return { text: '', sign: null, verdict: null };
  const delta = a - b;
  if (delta === 0) return { text: '=', sign: 'same', verdict: null };
  const sign = delta > 0 ? 'up' : 'down';
  const magnitude = formatMetric(Math.abs(delta));
  const percent = b !== 0 ? ` (${delta > 0 ? '+' : '−'}${formatMetric(Math.abs((delta / b) * 100))}%)` : '';
  const better = (delta > 0) === (goal === 'max');
  return { text: `${delta > 0 ? '+' : '−'}${magnitude}${percent}`, sign, verdict: better ? 'better' : 'worse' };
}

/** The differences the dialog calls out above the tables. */
export function provenanceWarnings(comparison: VersionComparison): string[] {
  const warnings: string[] = [];
  const candidateRun = comparison.candidate.run;
  const currentRun = comparison.current?.run ?? null;
  if (comparison.current === null) return warnings;
  if (candidateRun === null) warnings.push(`v${comparison.candidate.version}'s source run is not in this store`);
  if (currentRun === null) warnings.push(`v${comparison.current.version}'s source run is not in this store`);
  if (comparison.commit_differs && candidateRun !== null && currentRun !== null) {
    warnings.push(
      `Different code: commit ${(candidateRun.git_commit ?? '').slice(0, 7)} vs ${(currentRun.git_commit ?? '').slice(0, 7)}`,
    );
  }
  if (comparison.data_differs) warnings.push('Different data: the runs read inputs with different content hashes');
  if (candidateRun?.git_dirty) warnings.push(`v${comparison.candidate.version} was trained from uncommitted changes`);
  return warnings;
}

/** What a history entry did, in words: `v3 Staging → Production`, `@champion → v3`. */
export function historySummary(entry: HistoryView): string {
  const version = entry.version !== null ? `v${entry.version}` : 'the model';
  switch (entry.change) {
    case 'create_version':
      return `${version} registered`;
    case 'transition':
      return `${version} ${entry.from_stage ?? 'None'} → ${entry.to_stage ?? 'None'}`;
    case 'set_alias':
      return `@${entry.alias ?? '?'} → ${version}`;
    case 'delete_alias':
      return `@${entry.alias ?? '?'} removed from ${version}`;
    case 'delete_version':
      return `${version} deleted`;
    default:
      return `${entry.change.replace(/_/g, ' ')} ${version}`;
  }
}

/** CSS class of a stage badge. */
export function stageClass(stage: string): string {
  return `stage-${stage.toLowerCase()}`;
}

/**
 * The metrics worth a column on the model page: those most versions' runs have (system metrics
 * last), at most `limit`, by name.
 */
export function keyMetrics(runs: ({ metrics: Record<string, unknown> } | null)[], limit = 3): string[] {
  const counts = new Map<string, number>();
  for (const run of runs) {
    if (run === null) continue;
    for (const key of Object.keys(run.metrics)) counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts.entries()]
    .sort(([a, ca], [b, cb]) => {
      const systemA = a.startsWith('system/') ? 1 : 0;
      const systemB = b.startsWith('system/') ? 1 : 0;
      return systemA - systemB || cb - ca || a.localeCompare(b);
    })
    .slice(0, limit)
    .map(([key]) => key);
}

/** An alias still pointing at an archived version (left behind by a promotion). */
export interface StaleAlias {
  alias: string;
  version: number;
}

/** Aliases on archived versions: loading `models:/name@alias` would give a retired model. */
export function staleAliases(versions: readonly { version: number; stage: string; aliases: readonly string[] }[]): StaleAlias[] {
  return versions
    .filter((v) => v.stage === 'Archived')
    .flatMap((v) => v.aliases.map((alias) => ({ alias, version: v.version })));
}
