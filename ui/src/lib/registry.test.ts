import { describe, expect, it } from 'vitest';

import type { VersionComparison, VersionDetail } from './backend/registry';
import {
  actionTitle,
  actionVerb,
  aliasProblem,
  comparisonTarget,
  currentLabel,
  historySummary,
  keyMetrics,
  metricDelta,
  provenanceWarnings,
  staleAliases,
} from './registry';

function version(number: number, commit: string | null, data: Record<string, string> = {}): VersionDetail {
  return {
    version: number,
    stage: 'None',
    aliases: [],
    source: `runs:/r${number}/model`,
    status: 'READY',
    user_id: 'demo',
    description: '',
    creation_time: 0,
    last_updated_time: 0,
    tags: {},
    run_id: `r${number}`,
    run: {
      run_id: `r${number}`,
      run_name: `run ${number}`,
      experiment_id: '1',
      metrics: {},
      params: {},
      git_commit: commit,
      git_dirty: false,
      data_hashes: data,
    },
  };
}

describe('version actions', () => {
  it('name themselves and what they compare against', () => {
    const promote = { kind: 'promote', stage: 'Production' } as const;
    expect(actionTitle(promote, 3)).toBe('Promote v3 to Production');
    expect(actionVerb(promote)).toBe('Promote to Production');
    expect(comparisonTarget(promote)).toEqual({ stage: 'Production' });
    expect(comparisonTarget({ kind: 'set_alias', alias: 'champion' })).toEqual({ alias: 'champion' });
    expect(comparisonTarget({ kind: 'archive' })).toEqual({});
    expect(actionTitle({ kind: 'delete_alias', alias: 'x' }, 2)).toBe('Remove @x from v2');
    expect(currentLabel(promote, 2)).toBe('v2, now in Production');
    expect(currentLabel(promote, null)).toBe('No version is in Production');
    expect(currentLabel({ kind: 'set_alias', alias: 'champion' }, null)).toBe('@champion is not set yet');
  });

  it('reject alias names MLflow would', () => {
    expect(aliasProblem('champion')).toBeNull();
    expect(aliasProblem('blue-green_2')).toBeNull();
    expect(aliasProblem('')).toMatch(/Enter/);
    expect(aliasProblem('has space')).toMatch(/letters/);
    expect(aliasProblem('v12')).toMatch(/version/);
    expect(aliasProblem('latest')).toMatch(/reserved/);
  });
});

describe('metric deltas', () => {
  it('are signed, with the relative change', () => {
    expect(metricDelta(0.95, 0.9, 'val_acc')).toEqual({ text: '+0.05 (+5.556%)', sign: 'up', verdict: 'better' });
    expect(metricDelta(0.4, 0.5).sign).toBe('down');
    expect(metricDelta(0.4, 0.5).text.startsWith('−0.1')).toBe(true);
    expect(metricDelta(1, 1)).toEqual({ text: '=', sign: 'same', verdict: null });
    expect(metricDelta(2, 0)).toEqual({ text: '+2', sign: 'up', verdict: 'better' });
  });

  it('judge losses and errors the other way round', () => {
    expect(metricDelta(0.4, 0.3, 'val_loss').verdict).toBe('worse');
    expect(metricDelta(0.2, 0.3, 'test_RMSE').verdict).toBe('better');
    expect(metricDelta(0.2, 0.3, 'f1').verdict).toBe('worse');
  });

  it('are blank when a side is missing or not finite', () => {
    expect(metricDelta(null, 1)).toEqual({ text: '', sign: null, verdict: null });
    expect(metricDelta(1, 'NaN')).toEqual({ text: '', sign: null, verdict: null });
  });
});

describe('provenance warnings', () => {
  const base = (candidate: VersionDetail, current: VersionDetail | null, flags: Partial<VersionComparison> = {}) =>
    ({ candidate, current, metrics: [], params: [], commit_differs: false, data_differs: false, ...flags }) as VersionComparison;

  it('call out different code and data', () => {
    const warnings = provenanceWarnings(
      base(version(3, 'abcdef123'), version(2, '0123456ff'), { commit_differs: true, data_differs: true }),
    );
    expect(warnings).toEqual([
      'Different code: commit abcdef1 vs 0123456',
      'Different data: the runs read inputs with different content hashes',
    ]);
  });

  it('say nothing without a version to compare with, and note runs missing from the store', () => {
    expect(provenanceWarnings(base(version(3, 'a'), null))).toEqual([]);
    const orphan = { ...version(2, null), run: null };
    expect(provenanceWarnings(base(version(3, 'a'), orphan))).toEqual(["v2's source run is not in this store"]);
  });
});

describe('history entries', () => {
  const entry = {
    model: 'm',
    version: 3,
    change: 'transition',
    from_stage: 'Staging',
    to_stage: 'Production',
    alias: null,
    user_id: 'ada',
    time_ms: 0,
    comment: '',
    origin: 'app',
    gate_report: null,
  };

  it('read as what happened', () => {
    expect(historySummary(entry)).toBe('v3 Staging → Production');
    expect(historySummary({ ...entry, change: 'set_alias', alias: 'champion' })).toBe('@champion → v3');
    expect(historySummary({ ...entry, change: 'delete_alias', alias: 'old' })).toBe('@old removed from v3');
    expect(historySummary({ ...entry, change: 'create_version' })).toBe('v3 registered');
  });
});

describe('key metrics', () => {
  it('prefer metrics most runs have, system metrics last', () => {
    const runs = [
      { metrics: { 'system/cpu': 1, acc: 1, loss: 1 } },
      { metrics: { 'system/cpu': 1, acc: 1, f1: 1 } },
      null,
    ];
    expect(keyMetrics(runs, 3)).toEqual(['acc', 'f1', 'loss']);
    expect(keyMetrics(runs, 5)).toEqual(['acc', 'f1', 'loss', 'system/cpu']);
    expect(keyMetrics([], 3)).toEqual([]);
  });
});

describe('aliases left on archived versions', () => {
  it.each([
    [[], []],
    [[{ version: 1, stage: 'Production', aliases: ['champion'] }], []],
    [
      [
        { version: 2, stage: 'Production', aliases: [] },
        { version: 1, stage: 'Archived', aliases: ['champion', 'old'] },
        { version: 0, stage: 'Archived', aliases: [] },
      ],
      [
        { alias: 'champion', version: 1 },
        { alias: 'old', version: 1 },
      ],
    ],
  ])('%j', (versions, stale) => {
    expect(staleAliases(versions)).toEqual(stale);
  });
});
