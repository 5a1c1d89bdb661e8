// Unified diffs as git writes them (`git diff`), split per file for the run page's diff viewer.

export type DiffLineKind = 'add' | 'del' | 'context' | 'hunk' | 'note';

export interface DiffLine {
  kind: DiffLineKind;
  text: string;
  /** Line number in the old file (deleted and context lines). */
  oldLine: number | null;
  /** Line number in the new file (added and context lines). */
  newLine: number | null;
}

export interface DiffFile {
  /** The path shown: the new path, or the old one for a deleted file. */
  path: string;
  oldPath: string | null;
  newPath: string | null;
  /** `modified`, `added`, `deleted`, `renamed` or `binary`. */
  status: 'modified' | 'added' | 'deleted' | 'renamed' | 'binary';
  additions: number;
  deletions: number;
  lines: DiffLine[];
}

const HUNK = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

/** The files of a unified diff, in order. Text before the first file header is ignored. */
export function parseUnifiedDiff(text: string): DiffFile[] {
  const files: DiffFile[] = [];
  let file: DiffFile | null = null;
  let oldLine = 0;
  let newLine = 0;
  let oldLeft = 0;
  let newLeft = 0;
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const startFile = (oldPath: string | null, newPath: string | null): DiffFile => {
    const started: DiffFile = {
      path: newPath ?? oldPath ?? '',
      oldPath,
      newPath,
      status: 'modified',
      additions: 0,
      deletions: 0,
      lines: [],
    };
    files.push(started);
    oldLeft = 0;
    newLeft = 0;
    return started;
  };
  for (const raw of lines) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const inHunk = oldLeft > 0 || newLeft > 0;
    if (file !== null && inHunk) {
      const mark = line[0];
      if (mark === '+' && newLeft > 0) {
        file.lines.push({ kind: 'add', text: line.slice(1), oldLine: null, newLine: newLine++ });
        file.additions++;
        newLeft--;
        continue;
      }
      if (mark === '-' && oldLeft > 0) {
        file.lines.push({ kind: 'del', text: line.slice(1), oldLine: oldLine++, newLine: null });
        file.deletions++;
        oldLeft--;
        continue;
      }
      if ((mark === ' ' || line === '') && oldLeft > 0 && newLeft > 0) {
        file.lines.push({ kind: 'context', text: line.slice(1), oldLine: oldLine++, newLine: newLine++ });
        oldLeft--;
        newLeft--;
        continue;
      }
    }
    if (line.startsWith('\\')) {
      file?.lines.push({ kind: 'note', text: line, oldLine: null, newLine: null });
      continue;
    }
    if (line.startsWith('diff --git ')) {
      const paths = gitHeaderPaths(line.slice('diff --git '.length));
      file = startFile(paths?.[0] ?? null, paths?.[1] ?? null);
      continue;
    }
    if (line.startsWith('--- ') && (file === null || file.lines.length > 0 || !inHunk)) {
      const oldPath = diffPath(line.slice(4));
      // A plain unified diff (no `diff --git` line) starts its file here.
      if (file === null || file.lines.length > 0) file = startFile(oldPath, null);
      file.oldPath = oldPath;
      if (oldPath === null) file.status = 'added';
      continue;
    }
    if (line.startsWith('+++ ') && file !== null) {
      const newPath = diffPath(line.slice(4));
      file.newPath = newPath;
      if (newPath === null) file.status = 'deleted';
      file.path = newPath ?? file.oldPath ?? file.path;
      continue;
    }
    const hunk = HUNK.exec(line);
    if (hunk !== null && file !== null) {
      oldLine = Number(hunk[1]);
      oldLeft = hunk[2] === undefined ? 1 : Number(hunk[2]);
      newLine = Number(hunk[3]);
      newLeft = hunk[4] === undefined ? 1 : Number(hunk[4]);
      file.lines.push({ kind: 'hunk', text: line, oldLine: null, newLine: null });
      continue;
    }
    if (file === null) continue;
    if (line.startsWith('new file mode')) file.status = 'added';
    else if (line.startsWith('deleted file mode')) file.status = 'deleted';
    else if (line.startsWith('rename from ')) {
      file.status = 'renamed';
      file.oldPath = line.slice('rename from '.length);
    } else if (line.startsWith('rename to ')) {
      file.status = 'renamed';
      file.newPath = line.slice('rename to '.length);
      file.path = file.newPath;
    } else if (line.startsWith('Binary files ') || line === 'GIT binary patch') {
      file.status = 'binary';
      file.lines.push({ kind: 'note', text: line, oldLine: null, newLine: null });
    }
  }
  return files;
}

/** `a/x b/x` → [`x`, `x`]; quoted or space-containing names fall back to the `---`/`+++` lines. */
function gitHeaderPaths(rest: string): [string, string] | null {
  const match = /^a\/(.+) b\/(.+)$/.exec(rest);
  if (match === null) return null;
  return [match[1]!, match[2]!];
}

/** The path of a `---`/`+++` line: `a/`/`b/` prefixes removed, `/dev/null` as null. */
function diffPath(text: string): string | null {
  const path = text.split('\t')[0]!.trim();
  if (path === '/dev/null') return null;
  const unquoted = path.startsWith('"') && path.endsWith('"') ? path.slice(1, -1) : path;
  return unquoted.replace(/^[ab]\//, '');
}
