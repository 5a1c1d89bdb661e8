// Pure logic behind the actions on runs: which artifact folders hold a model to register, the
// tag key rules MLflow applies (checked before a request, so a typo is named at once), and the
// words of the runs table's bulk actions and their undo.

/** The tag MLflow keeps a run's description in; the run page shows it as the description. */
export const DESCRIPTION_TAG = 'mlflow.note.content';

/** MLflow's longest tag key. */
export const MAX_TAG_KEY_CHARS = 250;

/**
 * The folders holding an `MLmodel` file ('' is the artifact root), sorted: what "Register
 * model" can take.
 */
export function modelFolders(artifacts: readonly { path: string }[]): string[] {
  const folders = new Set<string>();
  for (const { path } of artifacts) {
    const slash = path.lastIndexOf('/');
    if (path.slice(slash + 1) === 'MLmodel') folders.add(slash < 0 ? '' : path.slice(0, slash));
  }
  return [...folders].sort();
}

/** The model folder a file lies in (the nearest one), or null when it is in none. */
export function modelFolderOf(path: string, folders: readonly string[]): string | null {
  let best: string | null = null;
  for (const folder of folders) {
    const inside = folder === '' || path === folder || path.startsWith(`${folder}/`);
    if (inside && (best === null || folder.length > best.length)) best = folder;
  }
  return best;
}

/** Why a tag key would be refused, naming it, or null when it is fine (MLflow's rules). */
export function tagKeyProblem(key: string): string | null {
  const trimmed = key.trim();
  if (trimmed === '') return 'The key is empty.';
  if (trimmed.length > MAX_TAG_KEY_CHARS) return `The key is longer than ${MAX_TAG_KEY_CHARS} characters.`;
  if (!/^[\w\-. /]+$/u.test(trimmed)) {
    return `The key '${trimmed}' may hold only letters, digits, spaces and _ - . /`;
  }
  if (trimmed.split('/').some((part) => part === '..' || part === '.') || trimmed.startsWith('/')) {
    return `The key '${trimmed}' may not be a path that leaves its folder.`;
  }
  return null;
}

/** "3 runs" / "1 run". */
export function runCount(count: number): string {
  return `${count} ${count === 1 ? 'run' : 'runs'}`;
}

/** What the bar says after a bulk action, and what undoing it does. */
export interface BulkOutcome {
  message: string;
  /** The command that undoes it, with the same runs; null when there is nothing to undo. */
  undo: 'restore_runs' | 'delete_runs' | null;
  runIds: string[];
}

/** The outcome of deleting (or restoring) `runIds`. */
export function lifecycleOutcome(action: 'delete_runs' | 'restore_runs', runIds: string[]): BulkOutcome {
  return action === 'delete_runs'
    ? { message: `Deleted ${runCount(runIds.length)}.`, undo: 'restore_runs', runIds }
    : { message: `Restored ${runCount(runIds.length)}.`, undo: 'delete_runs', runIds };
}
