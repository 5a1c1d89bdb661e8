import { describe, expect, it } from 'vitest';

import {
  NO_CHOICE,
  choiceKey,
  loadChoice,
  moveColumn,
  saveChoice,
  setHidden,
  toggleColumn,
  visibleColumns,
  type KeyValueStorage,
} from './columnChoice';
import { buildColumns } from './columns';

const columns = buildColumns(['lr', 'optimizer'], ['val_acc']);
const ids = (choice = NO_CHOICE) => visibleColumns(columns, choice).map((c) => c.id);

class MemoryStorage implements KeyValueStorage {
  items = new Map<string, string>();
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.items.set(key, value);
  }
  removeItem(key: string) {
    this.items.delete(key);
  }
}

describe('column choice', () => {
  it('shows every column in natural order without a choice', () => {
    expect(ids()).toEqual(columns.map((c) => c.id));
  });

  it('hides and shows columns, never the name', () => {
    let choice = toggleColumn(NO_CHOICE, 'param:lr');
    expect(ids(choice)).not.toContain('param:lr');
    choice = toggleColumn(choice, 'attr:name');
    expect(ids(choice)[0]).toBe('attr:name');
    choice = toggleColumn(choice, 'param:lr');
    expect(ids(choice)).toContain('param:lr');
    const metricsOnly = setHidden(NO_CHOICE, ['param:lr', 'param:optimizer', 'attr:name'], true);
    expect(ids(metricsOnly)).toEqual(['attr:name', 'attr:status', 'attr:start', 'attr:duration', 'attr:source', 'attr:commit', 'attr:data', 'metric:val_acc'].filter((id) => columns.some((c) => c.id === id)));
  });

  it('moves columns and keeps the name first', () => {
    const up = moveColumn(columns, NO_CHOICE, 'metric:val_acc', -1);
    const order = ids(up);
    expect(order.indexOf('metric:val_acc')).toBe(order.indexOf('param:optimizer') - 1);
    expect(moveColumn(columns, NO_CHOICE, 'attr:status', -1)).toBe(NO_CHOICE);
    expect(moveColumn(columns, NO_CHOICE, 'attr:name', 1)).toBe(NO_CHOICE);
  });

  it('puts columns the choice does not know after the chosen ones', () => {
    const choice = moveColumn(columns, NO_CHOICE, 'metric:val_acc', -1);
    const more = buildColumns(['lr', 'optimizer', 'seed'], ['val_acc']);
    const order = visibleColumns(more, choice).map((c) => c.id);
    expect(order.at(-1)).toBe('param:seed');
  });

  it('is remembered per experiment selection, whatever its order', () => {
    const storage = new MemoryStorage();
    expect(choiceKey(['2', '1'])).toBe(choiceKey(['1', '2']));
    const choice = toggleColumn(NO_CHOICE, 'param:lr');
    saveChoice(storage, choiceKey(['1']), choice);
    expect(loadChoice(storage, choiceKey(['1']))).toEqual(choice);
    expect(loadChoice(storage, choiceKey(['2']))).toEqual(NO_CHOICE);
    saveChoice(storage, choiceKey(['1']), NO_CHOICE);
    expect(storage.items.size).toBe(0);
    storage.setItem('bad', '{not json');
    expect(loadChoice(storage, 'bad')).toEqual(NO_CHOICE);
    expect(loadChoice(undefined, 'x')).toEqual(NO_CHOICE);
  });
});
