import { describe, expect, it } from 'vitest';

import {
  ATTRIBUTE_COLUMNS,
  PROVENANCE_COLUMNS,
  buildColumns,
  parseOrderBy,
  quoteKey,
  sortDirectionOf,
  toggleOrderBy,
  type Column,
} from './columns';

function column(id: string, columns: Column[] = buildColumns(['lr', 'optimizer'], ['val_acc', 'train loss'])): Column {
  const found = columns.find((c) => c.id === id);
  if (!found) throw new Error(`no column ${id}`);
  return found;
}

describe('buildColumns', () => {
  it('puts attributes first, then metrics, then params, then provenance', () => {
    const ids = buildColumns(['lr', 'optimizer'], ['val_acc']).map((c) => c.id);
    expect(ids).toEqual([
      'attr:name',
      'attr:status',
      'attr:start',
      'attr:duration',
      'metric:val_acc',
      'param:lr',
      'param:optimizer',
      'attr:user',
      'attr:source',
      'attr:commit',
      'attr:data',
    ]);
  });

  it('sorts params and metrics by their MLflow field, quoting keys that need it', () => {
    expect(column('param:lr').sortField).toBe('params.lr');
    expect(column('metric:val_acc').sortField).toBe('metrics.val_acc');
    expect(column('metric:train loss').sortField).toBe('metrics.`train loss`');
  });

  it('leaves duration, source, commit and data hash unsortable', () => {
    const unsortable = [...ATTRIBUTE_COLUMNS, ...PROVENANCE_COLUMNS].filter((c) => c.sortField === null).map((c) => c.key);
    expect(unsortable).toEqual(['duration', 'source', 'commit', 'data']);
  });
});

describe('quoteKey', () => {
  it('keeps plain identifiers bare and backticks the rest', () => {
    expect(quoteKey('val_acc')).toBe('val_acc');
    expect(quoteKey('train/loss')).toBe('`train/loss`');
    expect(quoteKey('epoch.1')).toBe('`epoch.1`');
    expect(quoteKey('1st')).toBe('`1st`');
  });
});

describe('toggleOrderBy', () => {
  it('sorts a metric highest first on the first click, then flips', () => {
    const valAcc = column('metric:val_acc');
    const first = toggleOrderBy([], valAcc);
    expect(first).toEqual(['metrics.val_acc DESC']);
    const second = toggleOrderBy(first, valAcc);
    expect(second).toEqual(['metrics.val_acc ASC']);
    expect(toggleOrderBy(second, valAcc)).toEqual(['metrics.val_acc DESC']);
  });

  it('sorts start time newest first and names and params A to Z', () => {
    expect(toggleOrderBy([], column('attr:start'))).toEqual(['attributes.start_time DESC']);
    expect(toggleOrderBy([], column('attr:name'))).toEqual(['attributes.run_name ASC']);
    expect(toggleOrderBy([], column('param:lr'))).toEqual(['params.lr ASC']);
  });

  it('replaces the sort when another column is clicked', () => {
    expect(toggleOrderBy(['metrics.val_acc DESC'], column('param:lr'))).toEqual(['params.lr ASC']);
  });

  it('leaves the sort alone for an unsortable column', () => {
    expect(toggleOrderBy(['params.lr ASC'], column('attr:duration'))).toEqual(['params.lr ASC']);
  });

  it('flips a clause written without a direction (ASC by default)', () => {
    expect(toggleOrderBy(['params.lr'], column('param:lr'))).toEqual(['params.lr DESC']);
  });
});

describe('parseOrderBy and sortDirectionOf', () => {
  it('reads the first clause', () => {
    expect(parseOrderBy(['metrics.`train loss` desc', 'params.lr ASC'])).toEqual({
      field: 'metrics.`train loss`',
      direction: 'DESC',
    });
    expect(parseOrderBy([])).toBeNull();
  });

  it('tells which column is sorted and how', () => {
    const orderBy = ['metrics.`train loss` DESC'];
    expect(sortDirectionOf(orderBy, column('metric:train loss'))).toBe('DESC');
    expect(sortDirectionOf(orderBy, column('metric:val_acc'))).toBeNull();
    expect(sortDirectionOf(orderBy, column('attr:duration'))).toBeNull();
  });
});
