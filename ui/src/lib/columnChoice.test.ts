import { describe, expect, it } from 'vitest';

import {
  NO_CHOICE,
  choiceKey,
  loadChoice,
  moveColumn,
  saveChoice,
  setHidden,
  emptyColumns,
  isNoChoice,
  showAll,
  toggleColumn,
  visibleColumns,
  type KeyValueStorage,
} from './columnChoice';
import type { RunRow } from './backend/backend';
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
    expect(ids(metricsOnly)).toEqual(['attr:name', 'attr:status', 'attr:start', 'attr:duration', 'metric:val_acc', 'attr:user', 'attr:source', 'attr:commit', 'attr:data']);
  });

  it('moves columns and keeps the name first', () => {
    const down = moveColumn(columns, NO_CHOICE, 'metric:val_acc', 1);
    const order = ids(down);
    expect(order.indexOf('metric:val_acc')).toBe(order.indexOf('param:lr') + 1);
    expect(moveColumn(columns, NO_CHOICE, 'attr:status', -1)).toBe(NO_CHOICE);
    expect(moveColumn(columns, NO_CHOICE, 'attr:name', 1)).toBe(NO_CHOICE);
  });

  it('puts columns the choice does not know after the chosen ones', () => {
    const choice = moveColumn(columns, NO_CHOICE, 'metric:val_acc', 1);
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

describe('columns hidden by default', () => {
  const run = (fields: Partial<RunRow>): RunRow => ({ source_kind: '', git_commit: null, data_hash: null, ...fields }) as RunRow;
  const cases: [string, RunRow[], string[]][] = [
    ['no runs: nothing to judge by', [], []],
    ['runs logged through MLflow', [run({}), run({})], ['attr:user', 'attr:source', 'attr:commit', 'attr:data']],
    ['one run with a commit', [run({}), run({ git_commit: 'abc', source_kind: 'git' })], ['attr:user', 'attr:data']],
    ['one user for every run', [run({ user_id: 'ana' }), run({ user_id: 'ana' })], ['attr:user', 'attr:source', 'attr:commit', 'attr:data']],
    ['every field somewhere', [run({ data_hash: 'd', user_id: 'ana' }), run({ git_commit: 'abc', source_kind: 'git', user_id: 'bo' })], []],
  ];
  it.each(cases)('%s', (_, runs, empty) => {
    expect(emptyColumns(runs)).toEqual(empty);
  });

  const empty = ['attr:commit', 'attr:data'];
  const shown = (choice = NO_CHOICE) => visibleColumns(columns, choice, empty).map((c) => c.id);

  it('hides empty columns until the user shows one, and hides it again on request', () => {
    expect(shown()).not.toContain('attr:commit');
    const withCommit = toggleColumn(NO_CHOICE, 'attr:commit', empty);
    expect(withCommit.shown).toEqual(['attr:commit']);
    expect(shown(withCommit)).toContain('attr:commit');
    expect(shown(withCommit)).not.toContain('attr:data');
    const without = toggleColumn(withCommit, 'attr:commit', empty);
    expect(shown(without)).not.toContain('attr:commit');
    expect(isNoChoice(toggleColumn(NO_CHOICE, 'param:lr'))).toBe(false);
  });

  it('shows all, the empty ones included, and remembers that', () => {
    const all = showAll(toggleColumn(NO_CHOICE, 'param:lr'), empty);
    expect(shown(all)).toEqual(columns.map((c) => c.id));
    const storage = new MemoryStorage();
    saveChoice(storage, 'k', all);
    expect(loadChoice(storage, 'k')).toEqual(all);
  });

  it.each(['null', '[]', '"text"', '{"hidden":[1,"a"],"shown":"x"}'])('reads a stored %s as a sensible choice', (text) => {
    const storage = new MemoryStorage();
    storage.setItem('k', text);
    const choice = loadChoice(storage, 'k');
    expect(Array.isArray(choice.hidden) && Array.isArray(choice.order)).toBe(true);
  });
});
