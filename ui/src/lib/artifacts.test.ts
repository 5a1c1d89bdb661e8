import { describe, expect, it } from 'vitest';

import {
  ancestorFolders,
  baseName,
  buildArtifactTree,
  fileDownloadUrl,
  folderZipUrl,
  formatBytes,
  prettyJson,
  splitTags,
} from './artifacts';
import type { ArtifactEntry } from './backend/runpage';

function entry(path: string, size_bytes = 10): ArtifactEntry {
  return { path, size_bytes, blake3: null, modified_ms: null, kind: 'text', present: true };
}

describe('buildArtifactTree', () => {
  it('nests files in folders, folders sorted before files, with totals', () => {
    const tree = buildArtifactTree([entry('z.txt', 1), entry('model/weights.bin', 100), entry('model/conf/a.json', 5), entry('a.csv', 2)]);
    expect(tree.files.map((f) => f.path)).toEqual(['a.csv', 'z.txt']);
    expect(tree.folders.map((f) => [f.name, f.path, f.fileCount, f.sizeBytes])).toEqual([['model', 'model', 2, 105]]);
    const model = tree.folders[0]!;
    expect(model.folders.map((f) => f.path)).toEqual(['model/conf']);
    expect(model.files.map((f) => f.path)).toEqual(['model/weights.bin']);
    expect([tree.fileCount, tree.sizeBytes]).toEqual([4, 108]);
  });

  it('is an empty root for no files', () => {
    expect(buildArtifactTree([])).toEqual({ name: '', path: '', folders: [], files: [], fileCount: 0, sizeBytes: 0 });
  });
});

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [1023, '1023 B'],
    [1024, '1 KB'],
    [1536, '1.5 KB'],
    [12 * 1024 * 1024, '12 MB'],
    [3.14 * 1024 ** 3, '3.1 GB'],
    [-1, '—'],
  ])('%d bytes is %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });
});

describe('prettyJson', () => {
  it('indents valid JSON and leaves the rest alone', () => {
    expect(prettyJson('{"a":[1,2]}')).toEqual({ text: '{\n  "a": [\n    1,\n    2\n  ]\n}', valid: true });
    expect(prettyJson('{"a":')).toEqual({ text: '{"a":', valid: false });
  });
});

describe('splitTags', () => {
  it("separates the tools' tags from the user's", () => {
    expect(splitTags({ team: 'vision', 'mlflow.user': 'me', 'cairn.host': 'box', alpha: '1' })).toEqual({
      user: [
        ['alpha', '1'],
        ['team', 'vision'],
      ],
      system: [
        ['cairn.host', 'box'],
        ['mlflow.user', 'me'],
      ],
    });
  });

  it('leaves the description out of both: the run page shows it on its own', () => {
    expect(splitTags({ 'mlflow.note.content': '# Notes', team: 'a' })).toEqual({ user: [['team', 'a']], system: [] });
  });
});

describe('baseName', () => {
  it('is the last path part', () => {
    expect(baseName('a/b/c.txt')).toBe('c.txt');
    expect(baseName('c.txt')).toBe('c.txt');
  });
});

describe('ancestorFolders', () => {
  it('lists the folders to open to show a file, outermost first', () => {
    expect(ancestorFolders('plots/roc/curve.png')).toEqual(['plots', 'plots/roc']);
    expect(ancestorFolders('notes.txt')).toEqual([]);
    expect(ancestorFolders('/a//b.txt')).toEqual(['a']);
  });
});

describe('download addresses', () => {
  it.each([
    ['model/MLmodel', '/get-artifact?run_uuid=r1&path=model%2FMLmodel'],
    ['a b&c.txt', '/get-artifact?run_uuid=r1&path=a+b%26c.txt'],
    ['é/#.png', '/get-artifact?run_uuid=r1&path=%C3%A9%2F%23.png'],
  ])('a file %s downloads from %s', (path, url) => {
    expect(fileDownloadUrl('r1', path)).toBe(url);
  });

  it.each([
    ['', '/app/artifacts.zip?run_id=r1'],
    ['model', '/app/artifacts.zip?run_id=r1&path=model'],
    ['a b/c', '/app/artifacts.zip?run_id=r1&path=a+b%2Fc'],
  ])('the folder "%s" downloads as a zip from %s', (folder, url) => {
    expect(folderZipUrl('r1', folder)).toBe(url);
  });
});
