import { describe, expect, it } from 'vitest';
import { pushSummary, teamUrlProblem } from './teamPush';
import type { PushedRunView } from './backend/generated/local-commands';

function run(overrides: Partial<PushedRunView>): PushedRunView {
  return {
    run_id: 'a1',
    remote_run_id: 'r1',
    experiment: 'vision',
    created: true,
    params: 3,
    tags: 2,
    points: 40000,
    files: 3,
    model_versions: 0,
    notes: [],
    ...overrides,
  };
}

describe('pushSummary', () => {
  it('sums the runs pushed and lists each failure by run', () => {
    const summary = pushSummary({
      server: 'http://team:5000',
      pushed: [run({}), run({ run_id: 'b2', created: false, points: 0, files: 0 })],
      failed: [{ run_id: 'c3', error: 'http://team:5000: run c3: answered 403' }],
      points: 40000,
      files: 3,
    });
    expect(summary.line).toBe('2 runs pushed to http://team:5000 (1 new there): 40,000 points, 3 files; 1 run failed');
    expect(summary.failures).toEqual(['c3: http://team:5000: run c3: answered 403']);
  });

  it('says when the server had everything', () => {
    const again = run({ created: false, params: 0, tags: 0, points: 0, files: 0 });
    const summary = pushSummary({ server: 'http://team', pushed: [again], failed: [], points: 0, files: 0 });
    expect(summary.line).toBe('1 run pushed to http://team: already there, nothing new');
  });
});

describe('teamUrlProblem', () => {
  it('takes http(s) URLs without credentials, or nothing', () => {
    expect(teamUrlProblem('')).toBeNull();
    expect(teamUrlProblem('https://mlflow.team.example')).toBeNull();
    expect(teamUrlProblem('ftp://x')).not.toBeNull();
    expect(teamUrlProblem('http://me:pw@team')).not.toBeNull();
  });
});
