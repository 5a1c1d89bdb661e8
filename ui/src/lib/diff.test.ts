import { describe, expect, it } from 'vitest';

import { parseUnifiedDiff } from './diff';

const TWO_FILES = `diff --git a/train.py b/train.py
index 3b18e51..a9c2f07 100644
--- a/train.py
+++ b/train.py
@@ -1,4 +1,4 @@
 import torch
--- a comment line that looks like a header
+lr = 0.01
 epochs = 10

diff --git a/notes.md b/notes.md
new file mode 100644
index 0000000..e69de29
--- /dev/null
+++ b/notes.md
@@ -0,0 +1,2 @@
+# Notes
+++ two pluses
\\ No newline at end of file
`;

describe('parseUnifiedDiff', () => {
  it('splits a git diff per file with counts and line numbers', () => {
    const files = parseUnifiedDiff(TWO_FILES);
    expect(files.map((f) => [f.path, f.status, f.additions, f.deletions])).toEqual([
      ['train.py', 'modified', 1, 1],
      ['notes.md', 'added', 2, 0],
    ]);
    const train = files[0]!;
    expect(train.lines.map((l) => [l.kind, l.text, l.oldLine, l.newLine])).toEqual([
      ['hunk', '@@ -1,4 +1,4 @@', null, null],
      ['context', 'import torch', 1, 1],
      ['del', '-- a comment line that looks like a header', 2, null],
      ['add', 'lr = 0.01', null, 2],
      ['context', 'epochs = 10', 3, 3],
      ['context', '', 4, 4],
    ]);
    const notes = files[1]!;
    expect(notes.lines.map((l) => l.kind)).toEqual(['hunk', 'add', 'add', 'note']);
    expect(notes.lines[2]!.text).toBe('++ two pluses');
  });

  it('knows deleted, renamed and binary files', () => {
    const files = parseUnifiedDiff(
      [
        'diff --git a/old.txt b/old.txt',
        'deleted file mode 100644',
        '--- a/old.txt',
        '+++ /dev/null',
        '@@ -1 +0,0 @@',
        '-bye',
        'diff --git a/a.txt b/b.txt',
        'similarity index 100%',
        'rename from a.txt',
        'rename to b.txt',
        'diff --git a/img.png b/img.png',
        'Binary files a/img.png and b/img.png differ',
      ].join('\n'),
    );
    expect(files.map((f) => [f.path, f.status, f.oldPath, f.newPath])).toEqual([
      ['old.txt', 'deleted', 'old.txt', null],
      ['b.txt', 'renamed', 'a.txt', 'b.txt'],
      ['img.png', 'binary', 'img.png', 'img.png'],
    ]);
    expect(files[0]!.deletions).toBe(1);
  });

  it('reads plain unified diffs without git headers', () => {
    const files = parseUnifiedDiff('--- a/x.txt\n+++ b/x.txt\n@@ -1 +1 @@\n-1\n+2\n--- a/y.txt\n+++ b/y.txt\n@@ -1 +1 @@\n-3\n+4\n');
    expect(files.map((f) => [f.path, f.additions, f.deletions])).toEqual([
      ['x.txt', 1, 1],
      ['y.txt', 1, 1],
    ]);
  });

  it('is empty for an empty diff', () => {
    expect(parseUnifiedDiff('')).toEqual([]);
  });
});
