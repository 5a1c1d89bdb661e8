import { describe, expect, it } from 'vitest';

import { lifecycleOutcome, modelFolderOf, modelFolders, tagKeyProblem } from './runEdits';

const paths = (...list: string[]) => list.map((path) => ({ path }));

describe('modelFolders', () => {
  it.each([
    [paths('model/MLmodel', 'model/model.pkl', 'notes.txt'), ['model']],
    [paths('MLmodel', 'a/b/MLmodel', 'a/MLmodel.bak', 'c/MLmodel'), ['', 'a/b', 'c']],
    [paths('x/mlmodel', 'x/not-MLmodel'), []],
    [[], []],
  ])('finds the folders holding an MLmodel in %j', (artifacts, expected) => {
    expect(modelFolders(artifacts)).toEqual(expected);
  });
});

describe('modelFolderOf', () => {
  const folders = ['', 'a', 'a/b', 'model'];
  it.each([
    ['a/b/weights.bin', 'a/b'],
    ['a/bc/x', 'a'],
    ['model/MLmodel', 'model'],
    ['notes.txt', ''],
  ])('%s lies in %j', (path, expected) => {
    expect(modelFolderOf(path, folders)).toBe(expected);
  });

  it('is null outside every model folder', () => {
    expect(modelFolderOf('other/x', ['model'])).toBeNull();
  });
});

describe('tagKeyProblem', () => {
  it.each(['team', 'data/version', 'owner name', 'a-b_c.d'])('takes %j', (key) => {
    expect(tagKeyProblem(key)).toBeNull();
  });

  it.each([
    ['', 'empty'],
    ['  ', 'empty'],
    ['a'.repeat(251), 'longer than 250'],
    ['tag?', "'tag?'"],
    ['a/../b', "'a/../b'"],
    ['/abs', "'/abs'"],
  ])('refuses %j, saying %s', (key, words) => {
    expect(tagKeyProblem(key)).toContain(words);
  });
});

describe('lifecycleOutcome', () => {
  it('offers to undo a delete by restoring, and a restore by deleting', () => {
    expect(lifecycleOutcome('delete_runs', ['a', 'b'])).toEqual({ message: 'Deleted 2 runs.', undo: 'restore_runs', runIds: ['a', 'b'] });
    expect(lifecycleOutcome('restore_runs', ['a'])).toEqual({ message: 'Restored 1 run.', undo: 'delete_runs', runIds: ['a'] });
  });
});
