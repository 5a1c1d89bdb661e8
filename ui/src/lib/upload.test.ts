import { describe, expect, it } from 'vitest';

import { MAX_UPLOAD_BYTES } from './backend/files';
import { filesOfEntry, filesOfInput, pathProblem, toBase64, uploadAll, uploadProblem, type EntryLike } from './upload';

function fileEntry(name: string, content: string): EntryLike {
  return {
    isFile: true,
    isDirectory: false,
    name,
    file: (success) => success(new File([content], name)),
  };
}

function folderEntry(name: string, children: EntryLike[]): EntryLike {
  return {
    isFile: false,
    isDirectory: true,
    name,
    createReader: () => {
      // Two batches, then none: like Chromium, which answers 100 entries at a time.
      const batches = [children.slice(0, 1), children.slice(1), []];
      return { readEntries: (success) => success(batches.shift() ?? []) };
    },
  };
}

describe('browser uploads', () => {
  it('encode bytes as base64, large ones too', () => {
    expect(toBase64(new TextEncoder().encode('hello'))).toBe('aGVsbG8=');
    const big = new Uint8Array(100_000).fill(65);
    expect(atob(toBase64(big))).toBe('A'.repeat(100_000));
  });

  it('refuse files over the cap with a way out', () => {
    expect(uploadProblem('a.bin', MAX_UPLOAD_BYTES)).toBeNull();
    expect(uploadProblem('a.bin', MAX_UPLOAD_BYTES + 1)).toMatch(/a\.bin is 16\.8 MB.*16 MB per file.*desktop app/);
  });

  it('refuse names the store would not take, saying which file and why', () => {
    expect(pathProblem('plots/roc.png')).toBeNull();
    expect(pathProblem('./notes.txt')).toBeNull();
    expect(pathProblem('a\\b.txt')).toMatch(/^a\\b\.txt: .*backslash/);
    expect(pathProblem('../up.txt')).toMatch(/'\.\.'/);
    expect(pathProblem('/etc/passwd')).toMatch(/cannot start with \//);
    expect(pathProblem('')).toBe('a file needs a name');
    // The name is checked before the size.
    expect(uploadProblem('a\\b.txt', MAX_UPLOAD_BYTES + 1)).toMatch(/backslash/);
  });

  it('take chosen files by name and a chosen folder’s files by their path in it, sorted', () => {
    const plain = new File(['x'], 'b.txt');
    const inFolder = new File(['y'], 'a.txt');
    Object.defineProperty(inFolder, 'webkitRelativePath', { value: 'run/logs/a.txt' });
    expect(filesOfInput([plain, inFolder]).map((u) => u.path)).toEqual(['b.txt', 'run/logs/a.txt']);
  });

  it('expand dropped folders into files with relative paths, in name order', async () => {
    const tree = folderEntry('plots', [
      fileEntry('roc.csv', '1'),
      folderEntry('inner', [fileEntry('b.txt', 'b'), fileEntry('a.txt', 'a')]),
    ]);
    const files = await filesOfEntry(tree);
    expect(files.map((f) => f.path)).toEqual(['plots/inner/a.txt', 'plots/inner/b.txt', 'plots/roc.csv']);
    expect(await files[2]!.file.text()).toBe('1');
  });
});

describe('uploading a batch', () => {
  it('sends each file under dest, skips oversize ones and keeps going after a failure', async () => {
    const calls: { path: string; contentBase64: string }[] = [];
    const backend = {
      call: async (_command: 'upload_artifact', args: { runId: string; path: string; contentBase64: string }) => {
        if (args.path.endsWith('bad.txt')) throw new Error('disk full');
        calls.push(args);
        return { path: args.path };
      },
    };
    const big = new File([new Uint8Array(1)], 'big.bin');
    Object.defineProperty(big, 'size', { value: MAX_UPLOAD_BYTES + 1 });
    const progress: number[] = [];
    const outcome = await uploadAll(
      backend,
      'r1',
      [
        { path: 'a.txt', file: new File(['hi'], 'a.txt') },
        { path: 'bad.txt', file: new File(['x'], 'bad.txt') },
        { path: 'big.bin', file: big },
      ],
      '/extra/',
      (done) => progress.push(done),
    );
    expect(outcome.added).toEqual(['extra/a.txt']);
    expect(outcome.errors).toHaveLength(2);
    expect(outcome.errors[0]).toBe('extra/bad.txt: disk full');
    expect(outcome.errors[1]).toMatch(/extra\/big\.bin is/);
    expect(calls[0]!.contentBase64).toBe('aGk=');
    expect(progress).toEqual([1, 2, 3]);
  });
});
