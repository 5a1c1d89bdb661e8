import { describe, expect, it } from 'vitest';

import type { RunRow } from './backend/backend';
import { cellText, cellTitle } from './cells';
import { buildColumns, type Column } from './columns';

const run: RunRow = {
  run_id: '8f14e45fceea167a5a36dedd4bea2543',
  run_name: 'resnet-lr0.01',
  experiment_id: '1',
  status: 'FINISHED',
  start_time: 1_700_000_000_000,
  end_time: 1_700_000_185_000,
  source_kind: 'mlflow',
  user_id: 'ada',
  git_commit: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678',
  git_dirty: true,
  data_hash: null,
  params: { lr: '0.01' },
  metrics: { val_acc: 0.91234, val_loss: 'NaN' },
  tags: {},
};

const columns = buildColumns(['lr', 'batch_size'], ['val_acc', 'val_loss']);
function col(id: string): Column {
  const found = columns.find((c) => c.id === id);
  if (!found) throw new Error(id);
  return found;
}

describe('cellText', () => {
  it('formats every kind of column', () => {
    expect(cellText(run, col('attr:name'), 0)).toBe('resnet-lr0.01');
    expect(cellText(run, col('attr:duration'), 0)).toBe('3 m 05 s');
    expect(cellText(run, col('attr:commit'), 0)).toBe('a1b2c3d');
    expect(cellText(run, col('attr:source'), 0)).toBe('mlflow');
    expect(cellText(run, col('attr:user'), 0)).toBe(run.user_id || '—');
    expect(cellText({ ...run, user_id: 'ana' }, col('attr:user'), 0)).toBe('ana');
    expect(cellText(run, col('param:lr'), 0)).toBe('0.01');
    expect(cellText(run, col('param:batch_size'), 0)).toBe('—');
    expect(cellText(run, col('metric:val_acc'), 0)).toBe('0.9123');
    expect(cellText(run, col('metric:val_loss'), 0)).toBe('NaN');
  });

  it('names a run without a name by the start of its id', () => {
    expect(cellText({ ...run, run_name: '' }, col('attr:name'), 0)).toBe('8f14e45f');
  });

  it('counts a running run up to now', () => {
    const running: RunRow = { ...run, status: 'RUNNING', end_time: null };
    expect(cellText(running, col('attr:duration'), run.start_time! + 42_000)).toBe('42 s');
  });
});

describe('cellTitle', () => {
  it('gives the full commit with the dirty flag, and the exact metric value', () => {
    expect(cellTitle(run, col('attr:commit'))).toBe(`${run.git_commit} with uncommitted changes`);
    expect(cellTitle(run, col('metric:val_acc'))).toBe('0.91234');
  });
});
