import { describe, expect, it } from 'vitest';

import { rowSlot, rowSlots, visibleRange } from './virtual';

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

describe('rowSlots', () => {
  it('gives every row of any range its own slot', () => {
    for (const viewport of [0, 31, 32, 600, 641, 900]) {
      const slots = rowSlots(32, viewport, 8);
      for (const rows of [0, 5, 40, 1_000]) {
        for (let scrollTop = -64; scrollTop < rows * 32 + 64; scrollTop += 7) {
          const range = visibleRange(rows, 32, scrollTop, viewport, 8);
          expect(range.end - range.start).toBeLessThanOrEqual(slots);
          const keys = new Set<number>();
          for (let index = range.start; index < range.end; index++) keys.add(rowSlot(index, slots));
          expect(keys.size).toBe(range.end - range.start);
        }
      }
    }
  });

  it('reuses the slot of the row scrolled out for the row scrolled in', () => {
    const slots = rowSlots(32, 640, 8);
    const before = visibleRange(10_000, 32, 32_000, 640, 8);
    const after = visibleRange(10_000, 32, 32_032, 640, 8);
    expect(after.start).toBe(before.start + 1);
    expect(rowSlot(after.end - 1, slots)).toBe(rowSlot(before.start, slots));
  });

  it('keeps to one slot for degenerate sizes', () => {
    expect(rowSlots(0, 600)).toBe(1);
    expect(rowSlot(7, 0)).toBe(0);
  });
});
