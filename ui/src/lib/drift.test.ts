import { describe, expect, it } from 'vitest';

import type { DistributionView } from './backend/monitoring';
import {
  barLayout,
  columnsInOrder,
  distributionBars,
  formatScore,
  formatShare,
  missingText,
  shortLabel,
  testName,
  thresholdText,
  verdictOf,
  verdictText,
} from './drift';

describe('drift numbers', () => {
  it.each([
    [0, '0%'],
    [0.5, '50%'],
    [1 / 3, '33.3%'],
    [1, '100%'],
    [0.0004, '<0.1%'],
    [null, '—'],
    [Number.NaN, '—'],
  ])('share %s reads %s', (share, text) => {
    expect(formatShare(share)).toBe(text);
  });

  it.each([
    [0.04321, '0.0432'],
    [0.5, '0.5'],
    [0.123456, '0.123'],
    [3.2e-7, '3.2e-7'],
    [1e-300, '1e-300'],
    [0, '0'],
    [123456, '1.2e5'],
    [null, '—'],
  ])('score %s reads %s', (score, text) => {
    expect(formatScore(score)).toBe(text);
  });

  it('reads a p-value of 0 as too small to compute, a distance of 0 as 0', () => {
    expect(formatScore(0, true)).toBe('≈0');
    expect(formatScore(0, false)).toBe('0');
    expect(formatScore(2e-9, true)).toBe('2e-9');
  });

  it('says the rule by the kind of score', () => {
    expect(thresholdText({ score_is_p_value: true, threshold: 0.05 })).toBe('p < 0.05');
    expect(thresholdText({ score_is_p_value: false, threshold: 0.1 })).toBe('≥ 0.1');
  });

  it('names known tests shortly and keeps unknown ones', () => {
    expect(testName('ks')).toBe('K–S');
    expect(testName('chi2')).toBe('χ²');
    expect(testName('energy')).toBe('energy');
  });

  it('tells a column that could not be scored from one that did not drift', () => {
    expect(verdictText(verdictOf({ drifted: true, score: 0.001 }))).toBe('Drift');
    expect(verdictText(verdictOf({ drifted: false, score: 0.4 }))).toBe('No drift');
    expect(verdictText(verdictOf({ drifted: false, score: null }))).toBe('Not computed');
  });

  it('gives missing values with their share of the side', () => {
    expect(missingText(0, 100)).toBe('0');
    expect(missingText(25, 75)).toBe('25 (25%)');
    expect(missingText(1200, 0)).toBe('1,200 (100%)');
  });

  it('lists drifted columns first and keeps the order otherwise', () => {
    const columns = [
      { name: 'a', drifted: false },
      { name: 'b', drifted: true },
      { name: 'c', drifted: false },
      { name: 'd', drifted: true },
    ];
    expect(columnsInOrder(columns).map((c) => c.name)).toEqual(['b', 'd', 'a', 'c']);
  });
});

describe('labels', () => {
  it('are cut with an ellipsis past their room', () => {
    expect(shortLabel('day-2024-05-01.csv')).toBe('day-2024-05…');
    expect(shortLabel('day-1.csv')).toBe('day-1.csv');
  });
});

describe('distribution bars', () => {
  const numeric: DistributionView = { edges: [0, 10, 20, 30], categories: [], reference: [0.5, 0.3, 0.2], current: [0.1, 0.3, 0.6] };

  it('labels numeric bins by their edges, the last one closed', () => {
    const bars = distributionBars(numeric);
    expect(bars.map((b) => b.label)).toEqual(['0–10', '10–20', '20–30']);
    expect(bars.map((b) => b.title)).toEqual(['[0, 10)', '[10, 20)', '[20, 30]']);
    expect(bars[2]).toMatchObject({ reference: 0.2, current: 0.6 });
  });

  it('labels categories by name and reads a missing or non-finite share as 0', () => {
    const bars = distributionBars({ edges: null, categories: ['free', 'pro'], reference: [0.7, Number.NaN], current: [1] });
    expect(bars).toEqual([
      { label: 'free', title: 'free', reference: 0.7, current: 1 },
      { label: 'pro', title: 'pro', reference: 0, current: 0 },
    ]);
  });

  it('lays pairs out across the width, the tallest share at the top', () => {
    const { pairs, top } = barLayout(distributionBars(numeric), 300, 100, 0);
    expect(top).toBe(0.6);
    expect(pairs.map((p) => p.x)).toEqual([0, 100, 200]);
    expect(pairs[0]?.width).toBe(50);
    expect(pairs[2]?.currentY).toBe(0);
    expect(pairs[0]?.referenceY).toBeCloseTo(100 - (0.5 / 0.6) * 100);
  });

  it('draws nothing for no bars and flat bars for all-zero shares', () => {
    expect(barLayout([], 300, 100)).toEqual({ pairs: [], top: 0 });
    const { pairs } = barLayout([{ label: 'x', title: 'x', reference: 0, current: 0 }], 100, 50);
    expect(pairs[0]?.referenceY).toBe(50);
  });
});
