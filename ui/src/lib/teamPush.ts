// "Push to team" in words: the one-line summary of a push and a line per run that failed.
import type { PushResultView } from './backend/generated/local-commands';

/** `n thing` / `n things`, with thousands separated. */
function count(n: number, thing: string): string {
  return `${n.toLocaleString('en-US')} ${thing}${n === 1 ? '' : 's'}`;
}

/** What a push did: a summary line and one line per failed run (its id and the error). */
export function pushSummary(result: PushResultView): { line: string; failures: string[] } {
  const created = result.pushed.filter((run) => run.created).length;
  const nothingNew = result.pushed.every(
    (run) => !run.created && run.params + run.tags + run.points + run.files + run.model_versions === 0,
  );
  let line = `${count(result.pushed.length, 'run')} pushed to ${result.server}`;
  if (result.pushed.length > 0 && nothingNew) {
    line += ': already there, nothing new';
  } else if (result.pushed.length > 0) {
    line += ` (${created} new there): ${count(result.points, 'point')}, ${count(result.files, 'file')}`;
  }
  if (result.failed.length > 0) line += `; ${count(result.failed.length, 'run')} failed`;
  return { line, failures: result.failed.map((failed) => `${failed.run_id}: ${failed.error}`) };
}

/** Whether a team server URL can be saved: empty (forget it) or http(s) without credentials. */
export function teamUrlProblem(url: string): string | null {
  const text = url.trim();
  if (text === '') return null;
  if (!/^https?:\/\/[^/\s]+/.test(text)) return 'The URL must start with http:// or https:// and name a host.';
  if (text.includes('@')) return 'Put the token in its own field, not in the URL.';
  return null;
}
