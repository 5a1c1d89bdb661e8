import { describe, expect, it } from 'vitest';

import type { RunRow } from './backend/backend';
import type { RunGroup } from './backend/settings';
import { groupFilter, groupId, groupMetricText, groupedItems, itemRunIds, quoteValue, runItems } from './grouping';

function run(id: string): RunRow {
  return {
    run_id: id,
    run_name: id,
    experiment_id: '1',
    status: 'FINISHED',
    start_time: null,
    end_time: null,
    source_kind: 'demo',
    user_id: '',
    git_commit: null,
    git_dirty: null,
    data_hash: null,
    params: {},
    metrics: {},
    tags: {},
  };
}

const groups: RunGroup[] = [
  { value: 'adam', run_count: 3, metric: { min: 0.5, max: 0.9, mean: 0.7, count: 3 } },
  { value: "it's", run_count: 1, metric: null },
  { value: null, run_count: 2, metric: null },
];

describe('grouping', () => {
  it("narrows the user's filter to one group's value", () => {
    expect(groupFilter('', 'optimizer', 'adam')).toBe("params.optimizer = 'adam'");
    expect(groupFilter('metrics.acc > 0.5 or params.x = 1', 'optimizer', 'adam')).toBe(
      "(metrics.acc > 0.5 or params.x = 1) and params.optimizer = 'adam'",
    );
    expect(groupFilter('', 'batch size', null)).toBe('params.`batch size` IS NULL');
    expect(quoteValue("it's")).toBe("'it''s'");
  });

  it('summarises the sorted metric by its direction', () => {
    expect(groupMetricText(groups[0]!.metric, 'max')).toBe('best 0.9 · mean 0.7');
    expect(groupMetricText(groups[0]!.metric, 'min')).toBe('best 0.5 · mean 0.7');
    expect(groupMetricText(null, 'min')).toBeNull();
  });

  it('lists headers, the runs of open groups and what is left to load', () => {
    const open = new Set([groupId('adam'), groupId(null)]);
    const loaded = new Map([[groupId('adam'), { runs: [run('a1'), run('a2')], nextOffset: 2, loading: false }]]);
    const items = groupedItems(groups, open, loaded);
    expect(items.map((item) => item.kind)).toEqual(['group', 'run', 'run', 'more', 'group', 'group', 'more']);
    const more = items[3];
    expect(more?.kind === 'more' && more.remaining).toBe(1);
    expect(itemRunIds(items)).toEqual(['a1', 'a2']);
    expect(new Set(items.map((item) => item.id)).size).toBe(items.length);
  });

  it('lists every run when not grouped', () => {
    expect(itemRunIds(runItems([run('x'), run('y')]))).toEqual(['x', 'y']);
  });
});
