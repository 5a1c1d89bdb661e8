import { describe, expect, it } from 'vitest';

import { filterQuery } from './nameSearch';

describe('plain text searches run names', () => {
  const names: [string, string][] = [
    ['adamw', "attributes.run_name ILIKE '%adamw%'"],
    ['  bert base  ', "attributes.run_name ILIKE '%bert base%'"],
    ["bob's run", "attributes.run_name ILIKE '%bob''s run%'"],
    ['lr-sweep 3', "attributes.run_name ILIKE '%lr-sweep 3%'"],
    ['this is it', "attributes.run_name ILIKE '%this is it%'"],
    ['in progress', "attributes.run_name ILIKE '%in progress%'"],
  ];
  it.each(names)('%j becomes a name search', (typed, filter) => {
    expect(filterQuery(typed)).toEqual({ filter, nameSearch: typed.trim() });
  });

  const expressions = [
    '',
    "params.optimizer = 'adam'",
    'metrics.val_acc > 0.8',
    'metrics.loss',
    '`weird key` = 1',
    "attributes.run_name LIKE 'a%'",
    "tags.team ILIKE '%ml%'",
    "params.opt IN ('a', 'b')",
    'tags.x IS NOT NULL',
    "run_name != 'x'",
    'attribute.status = "FINISHED"',
  ];
  it.each(expressions)('%j goes to the store as typed', (typed) => {
    expect(filterQuery(typed)).toEqual({ filter: typed, nameSearch: null });
  });
});
