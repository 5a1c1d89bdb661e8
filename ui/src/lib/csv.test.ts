import { describe, expect, it } from 'vitest';

import { guessDelimiter, parseCsv } from './csv';

describe('parseCsv', () => {
  it('reads a header and rows', () => {
    expect(parseCsv('epoch,loss\n1,0.5\n2,0.25\n')).toEqual({
      header: ['epoch', 'loss'],
      rows: [
        ['1', '0.5'],
        ['2', '0.25'],
      ],
      truncated: false,
    });
  });

  it('handles quoted fields with delimiters, quotes and line breaks', () => {
    const table = parseCsv('name,note\r\n"a, b","say ""hi"""\r\n"multi\nline",x\r\n');
    expect(table.header).toEqual(['name', 'note']);
    expect(table.rows).toEqual([
      ['a, b', 'say "hi"'],
      ['multi\nline', 'x'],
    ]);
  });

  it('keeps a last line without a line break and empty fields', () => {
    expect(parseCsv('a,b,c\n1,,3').rows).toEqual([['1', '', '3']]);
    expect(parseCsv('a\n""\n').rows).toEqual([['']]);
  });

  it('stops at maxRows and says so', () => {
    const text = 'n\n' + Array.from({ length: 50 }, (_, i) => `${i}\n`).join('');
    const table = parseCsv(text, { maxRows: 10 });
    expect(table.rows.length).toBe(10);
    expect(table.rows[9]).toEqual(['9']);
    expect(table.truncated).toBe(true);
    expect(parseCsv(text, { maxRows: 50 }).truncated).toBe(false);
  });

  it('drops the cut last record of a partial read', () => {
    const table = parseCsv('a,b\n1,2\n3,"unfinis', { partial: true });
    expect(table.rows).toEqual([['1', '2']]);
    expect(table.truncated).toBe(true);
  });

  it('splits on tabs and semicolons', () => {
    expect(parseCsv('a\tb\n1\t2\n', { delimiter: '\t' }).rows).toEqual([['1', '2']]);
    expect(guessDelimiter('a\tb\tc\n1\t2\t3')).toBe('\t');
    expect(guessDelimiter('a;b;c\n')).toBe(';');
    expect(guessDelimiter('a,b\n')).toBe(',');
    expect(guessDelimiter('a,b\n', 'x.TSV')).toBe('\t');
  });
});
