import { describe, expect, it } from 'vitest';

import { EMPTY_SELECTION, clickRun, keepVisible, moveFocus, scrollToShow, toggleRun } from './runSelection';

const order = ['a', 'b', 'c', 'd', 'e'];
const plain = { range: false, toggle: false };
const ctrl = { range: false, toggle: true };
const shift = { range: true, toggle: false };

describe('run selection', () => {
  it('click selects one, ctrl-click toggles, shift-click selects a range from the anchor', () => {
    let selection = clickRun(EMPTY_SELECTION, order, 'b', plain);
    expect(selection).toEqual({ selected: ['b'], anchor: 'b' });
    selection = clickRun(selection, order, 'd', shift);
    expect(selection.selected).toEqual(['b', 'c', 'd']);
    selection = clickRun(selection, order, 'a', shift);
    expect(selection.selected).toEqual(['a', 'b']);
    selection = clickRun(selection, order, 'e', ctrl);
    expect(selection).toEqual({ selected: ['a', 'b', 'e'], anchor: 'e' });
    selection = clickRun(selection, order, 'a', ctrl);
    expect(selection.selected).toEqual(['b', 'e']);
    // Ctrl+Shift adds the range to what is selected.
    selection = clickRun({ selected: ['a'], anchor: 'c' }, order, 'd', { range: true, toggle: true });
    expect(selection.selected).toEqual(['a', 'c', 'd']);
  });

  it('shift-click without an anchor selects just the run', () => {
    expect(clickRun(EMPTY_SELECTION, order, 'c', shift)).toEqual({ selected: ['c'], anchor: 'c' });
  });

  it('toggles and keeps only visible runs', () => {
    const selection = toggleRun(toggleRun(EMPTY_SELECTION, 'a'), 'c');
    expect(selection.selected).toEqual(['a', 'c']);
    expect(keepVisible(selection, ['c', 'x'])).toEqual({ selected: ['c'], anchor: 'c' });
    expect(keepVisible(selection, order)).toBe(selection);
  });

  it('moves the focus within the rows', () => {
    expect(moveFocus(-1, 5, 'ArrowDown', 10)).toBe(0);
    expect(moveFocus(4, 5, 'ArrowDown', 10)).toBe(4);
    expect(moveFocus(0, 5, 'ArrowUp', 10)).toBe(0);
    expect(moveFocus(1, 5, 'PageDown', 10)).toBe(4);
    expect(moveFocus(3, 5, 'Home', 10)).toBe(0);
    expect(moveFocus(0, 5, 'End', 10)).toBe(4);
    expect(moveFocus(0, 5, 'x', 10)).toBeNull();
    expect(moveFocus(0, 0, 'ArrowDown', 10)).toBeNull();
  });

  it('scrolls only as far as needed to show a row', () => {
    // Rows of 32 px under a 44 px header in a 420 px viewport: 376 px of rows visible.
    expect(scrollToShow(0, 32, 44, 0, 420)).toBe(0);
    expect(scrollToShow(20, 32, 44, 0, 420)).toBe(20 * 32 + 32 - 376);
    expect(scrollToShow(2, 32, 44, 320, 420)).toBe(64);
    expect(scrollToShow(12, 32, 44, 300, 420)).toBe(300);
  });
});
