import { describe, expect, it } from 'vitest';

import { visibleRange } from './virtual';

describe('visibleRange', () => {
  it('renders the rows in view plus the overscan, with padding for the rest', () => {
    // 100,000 rows of 32 px, scrolled to row 1,000, a 640 px viewport: rows 1,000..1,021 are in view.
    const range = visibleRange(100_000, 32, 32_000, 640, 8);
    expect(range).toEqual({
      start: 992,
      end: 1_029,
      paddingTop: 992 * 32,
      paddingBottom: (100_000 - 1_029) * 32,
    });
  });

  it('clamps at the top and the bottom', () => {
    expect(visibleRange(10, 32, -50, 640, 8)).toEqual({ start: 0, end: 10, paddingTop: 0, paddingBottom: 0 });
    const atEnd = visibleRange(50, 32, 50 * 32, 320, 8);
    expect(atEnd.end).toBe(50);
    expect(atEnd.paddingBottom).toBe(0);
  });

  it('renders nothing for an empty list', () => {
    expect(visibleRange(0, 32, 0, 640)).toEqual({ start: 0, end: 0, paddingTop: 0, paddingBottom: 0 });
  });
});
