import { describe, expect, it } from 'vitest';

import type { CompareRun } from './backend/charts';
import { dataMismatches, uncommittedMismatches, lowerIsBetter, metricRows, numericParamKeys, paramRows, parallelDimensions, withoutRun } from './compare';

function run(id: string, params: Record<string, string>, metrics: Record<string, number | 'NaN'>, data: [string, string][] = []): CompareRun {
  return {
    run_id: id,
    run_name: `run-${id}`,
    experiment_id: '1',
    status: 'FINISHED',
    start_time: null,
    end_time: null,
    source_kind: 'cairn',
    user_id: '',
    git_commit: null,
    git_dirty: null,
    data_hash: data[0]?.[1] ?? null,
    params,
    metrics,
    tags: {},
    experiment_name: 'exp',
    colour_light: '#000000',
    colour_dark: '#ffffff',
    data: data.map(([path, hash]) => ({ path, kind: 'directory', hash, size_bytes: 0, file_count: 0, dvc_md5: null })),
    git: null,
  };
}

const runs = [
  run('a', { lr: '0.1', optimizer: 'adam', seed: '1' }, { val_acc: 0.9, val_loss: 0.3 }, [['data/mnist', 'h1']]),
  run('b', { lr: '0.01', optimizer: 'adam', seed: '1' }, { val_acc: 0.95, val_loss: 0.2 }, [['data/mnist', 'h1']]),
  run('c', { lr: '0.01', optimizer: 'adam' }, { val_acc: 0.95, val_loss: 'NaN' }, [['data/mnist', 'h2']]),
];

describe('params table', () => {
  it('shows only differing params by default, all when asked', () => {
    const keys = ['lr', 'optimizer', 'seed'];
    expect(paramRows(runs, keys, true).map((row) => row.key)).toEqual(['lr', 'seed']);
    expect(paramRows(runs, keys, false).map((row) => row.key)).toEqual(keys);
    expect(paramRows(runs, keys, false)[2]).toEqual({ key: 'seed', values: ['1', '1', null], differs: true });
    expect(paramRows(runs.slice(0, 2), ['optimizer', 'seed'], true)).toEqual([]);
  });

  it('finds numeric params', () => {
    expect(numericParamKeys(runs, ['lr', 'optimizer', 'seed'])).toEqual(['lr', 'seed']);
  });
});

describe('metrics table', () => {
  it('highlights the best run, lower for losses', () => {
    const rows = metricRows(runs, ['val_acc', 'val_loss']);
    expect(rows[0]).toMatchObject({ key: 'val_acc', goal: 'max', best: [1, 2] });
    expect(rows[1]).toMatchObject({ key: 'val_loss', goal: 'min', best: [1], values: [0.3, 0.2, 'NaN'] });
    expect(metricRows(runs.slice(0, 1), ['val_acc'])[0]!.best).toEqual([]);
  });

  it('knows which metrics are minimised', () => {
    expect(lowerIsBetter('train_loss')).toBe(true);
    expect(lowerIsBetter('val/error')).toBe(true);
    expect(lowerIsBetter('rmse')).toBe(true);
    expect(lowerIsBetter('accuracy')).toBe(false);
    expect(lowerIsBetter('f1')).toBe(false);
  });
});

describe('data warning', () => {
  it('names the paths, hashes and runs that differ', () => {
    expect(dataMismatches(runs)).toEqual([
      {
        path: 'data/mnist',
        hashes: [
          { hash: 'h1', runs: ['run-a', 'run-b'] },
          { hash: 'h2', runs: ['run-c'] },
        ],
      },
    ]);
    expect(dataMismatches(runs.slice(0, 2))).toEqual([]);
  });
});

describe('parallel axes and chips', () => {
  it('puts differing params before metrics', () => {
    expect(parallelDimensions(runs, ['lr', 'optimizer', 'seed'], ['val_acc'])).toEqual([
      'params.lr',
      'params.seed',
      'metrics.val_acc',
    ]);
  });

  it('keeps at most seven axes, three of them metrics', () => {
    const many = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((key, index) =>
      run(key, Object.fromEntries(['p1', 'p2', 'p3', 'p4', 'p5', 'p6'].map((p) => [p, String(index)])), {}),
    );
    const axes = parallelDimensions(many, ['p1', 'p2', 'p3', 'p4', 'p5', 'p6'], ['m1', 'm2', 'm3', 'm4']);
    expect(axes).toEqual(['params.p1', 'params.p2', 'params.p3', 'params.p4', 'metrics.m1', 'metrics.m2', 'metrics.m3']);
  });

  it('removes a run', () => {
    expect(withoutRun(['a', 'b', 'c'], 'b')).toEqual(['a', 'c']);
  });
});

describe('code warning', () => {
  it('names runs of one commit that differ by uncommitted changes', () => {
    const [a, b, c] = runs.map((r, index) => ({ ...r, git_commit: index < 2 ? 'abc' : 'def', git_dirty: index === 1 }));
    expect(uncommittedMismatches([a!, b!, c!])).toEqual([{ commit: 'abc', dirty: ['run-b'], clean: ['run-a'] }]);
    expect(uncommittedMismatches([a!, c!])).toEqual([]);
  });
});
