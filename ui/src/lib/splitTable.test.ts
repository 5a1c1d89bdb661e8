import { describe, expect, it } from 'vitest';

import { cellText, loggedTablePaths, looksLikeSplitTable, nextSort, parseSplitTable, sortRows, type Cell } from './splitTable';

describe('parseSplitTable', () => {
  it('reads columns and rows', () => {
    expect(parseSplitTable('{"columns":["a","b"],"data":[[1,"x"],[2,null]]}')).toEqual({
      ok: true,
      table: { columns: ['a', 'b'], rows: [[1, 'x'], [2, null]], totalRows: 2 },
    });
  });

  it('keeps the first rows and counts all', () => {
    const text = JSON.stringify({ columns: ['n'], data: Array.from({ length: 1500 }, (_, i) => [i]) });
    const result = parseSplitTable(text, 1000);
    expect(result.ok && result.table.rows.length).toBe(1000);
    expect(result.ok && result.table.totalRows).toBe(1500);
    expect(result.ok && result.table.rows[999]).toEqual([999]);
  });

  const errors: [string, string, string][] = [
    ['not JSON', '{"columns":', 'not JSON'],
    ['a list', '[1,2]', 'expected an object with "columns" and "data"'],
    ['no columns', '{"data":[]}', '"columns" must be a list'],
    ['no data', '{"columns":["a"]}', '"data" must be a list of rows'],
    ['a column that is an object', '{"columns":["a",{}],"data":[]}', '"columns"[1] must be a string or a number'],
    ['a row that is not a list', '{"columns":["a"],"data":[[1],2]}', '"data"[1] must be a list'],
    ['a short row', '{"columns":["a","b"],"data":[[1,2],[3]]}', '"data"[1] has 1 cells, but there are 2 columns'],
  ];
  it.each(errors)('names the problem: %s', (_, text, error) => {
    const result = parseSplitTable(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toContain(error);
  });

  it('tells split JSON from other JSON', () => {
    expect(looksLikeSplitTable('{"columns":[],"data":[]}')).toBe(true);
    expect(looksLikeSplitTable('{"a":1}')).toBe(false);
    expect(looksLikeSplitTable('{"columns":["a"],"data":[[1,2]]}')).toBe(false);
  });
});

describe('loggedTablePaths', () => {
  const cases: [string, Record<string, string>, string[]][] = [
    ['no tag', {}, []],
    [
      'tables only, sorted and once',
      {
        'mlflow.loggedArtifacts': JSON.stringify([
          { path: 'z.json', type: 'table' },
          { path: 'eval/a.json', type: 'table' },
          { path: 'z.json', type: 'table' },
          { path: 'img.png', type: 'image' },
          { type: 'table' },
          'junk',
        ]),
      },
      ['eval/a.json', 'z.json'],
    ],
    ['a tag that is not JSON', { 'mlflow.loggedArtifacts': '[{' }, []],
    ['a tag that is not a list', { 'mlflow.loggedArtifacts': '{"path":"a.json","type":"table"}' }, []],
  ];
  it.each(cases)('%s', (_, tags, expected) => {
    expect(loggedTablePaths(tags)).toEqual(expected);
  });
});

describe('cellText', () => {
  it.each([
    [null, ''],
    [1.5, '1.5'],
    ['a', 'a'],
    [true, 'true'],
    [{ a: 1 }, '{"a":1}'],
    [[1, 2], '[1,2]'],
  ] as [Cell, string][])('%j → %s', (cell, text) => {
    expect(cellText(cell)).toBe(text);
  });
});

describe('sorting', () => {
  it('cycles ascending, descending, unsorted; another column starts ascending', () => {
    const first = nextSort(null, 1);
    expect(first).toEqual({ column: 1, descending: false });
    const second = nextSort(first, 1);
    expect(second).toEqual({ column: 1, descending: true });
    expect(nextSort(second, 1)).toBeNull();
    expect(nextSort(second, 0)).toEqual({ column: 0, descending: false });
  });

  const rows: Cell[][] = [[10], [9], ['2'], [null], ['b'], ['A'], [100], [''], [-1.5]];
  const cases: [string, boolean, Cell[]][] = [
    ['numbers numerically, then text, empties last', false, [-1.5, '2', 9, 10, 100, 'A', 'b', null, '']],
    ['descending, empties still last', true, ['b', 'A', 100, 10, 9, '2', -1.5, null, '']],
  ];
  it.each(cases)('%s', (_, descending, expected) => {
    expect(sortRows(rows, { column: 0, descending }).map((row) => row[0])).toEqual(expected);
  });

  it('keeps the original order of equal cells and without a sort', () => {
    const tied: Cell[][] = [[1, 'a'], [0, 'b'], [1, 'c']];
    expect(sortRows(tied, { column: 0, descending: true }).map((row) => row[1])).toEqual(['a', 'c', 'b']);
    expect(sortRows(tied, null)).toEqual(tied);
    expect(sortRows(tied, null)).not.toBe(tied);
  });
});
