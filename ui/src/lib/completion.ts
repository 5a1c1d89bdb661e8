// Completion for the runs filter (MLflow's search grammar): what to suggest at the caret — field
// names (`params.lr`, `metrics.val_acc`, `tags.x`, `attributes.status`) from the keys the store
// reports, comparators after a field, `and`/`or` after a value — and the text an accepted
// suggestion produces.
import { quoteKey } from './columns';

export interface FilterKeys {
  params: readonly string[];
  metrics: readonly string[];
  tags: readonly string[];
}

export interface Suggestion {
  /** What the list shows. */
  label: string;
  /** What replaces the word at the caret. */
  insert: string;
  /** A short note: `param`, `metric`, `comparator`... */
  detail: string;
}

export interface Completion {
  /** The span of `text` an accepted suggestion replaces. */
  from: number;
  to: number;
  suggestions: Suggestion[];
}

export const ATTRIBUTES = ['run_name', 'status', 'start_time', 'end_time', 'run_id', 'user_id', 'artifact_uri'];
const NUMERIC_ATTRIBUTES = new Set(['start_time', 'end_time']);

const NAMESPACES: Record<string, 'params' | 'metrics' | 'tags' | 'attributes'> = {
  param: 'params',
  params: 'params',
  parameter: 'params',
  parameters: 'params',
  metric: 'metrics',
  metrics: 'metrics',
  tag: 'tags',
  tags: 'tags',
  attribute: 'attributes',
  attributes: 'attributes',
  attr: 'attributes',
  run: 'attributes',
};

const NUMERIC_COMPARATORS = ['=', '!=', '>', '>=', '<', '<='];
const STRING_COMPARATORS = ['=', '!=', 'LIKE', 'ILIKE', 'IN', 'NOT IN', 'IS NULL', 'IS NOT NULL'];
const CONNECTIVES = ['and', 'or'];

/** Most suggestions shown at once. */
export const MAX_SUGGESTIONS = 50;

/** A word of the filter: its span and text. */
interface Word {
  start: number;
  end: number;
  text: string;
}

/** Field-name characters (backticks and dots included, so `params.\`a b\`` is one word). */
function isWordChar(ch: string): boolean {
  return /[A-Za-z0-9_.`\-/:]/.test(ch);
}

/** The word that ends at `caret`, and the words before it (skipping quoted strings). */
function wordsBefore(text: string, caret: number): Word[] {
  const words: Word[] = [];
  let i = 0;
  while (i < caret) {
    const ch = text[i] as string;
    if (ch === "'" || ch === '"') {
      const close = text.indexOf(ch, i + 1);
      const end = close === -1 || close >= caret ? caret : close + 1;
      words.push({ start: i, end, text: text.slice(i, end) });
      i = end;
    } else if (/[<>=!]/.test(ch)) {
      let end = i;
      while (end < caret && /[<>=!]/.test(text[end] as string)) end++;
      words.push({ start: i, end, text: text.slice(i, end) });
      i = end;
    } else if (ch === '(' || ch === ')' || ch === ',') {
      words.push({ start: i, end: i + 1, text: ch });
      i++;
    } else if (isWordChar(ch)) {
      let end = i;
      let inBackticks = false;
      while (end < caret && (inBackticks || isWordChar(text[end] as string))) {
        if (text[end] === '`') inBackticks = !inBackticks;
        end++;
      }
      words.push({ start: i, end, text: text.slice(i, end) });
      i = end;
    } else {
      i++;
    }
  }
  return words;
}

/** Field completions for a (possibly partial) field word such as `met`, `metrics.va`, `val`. */
function fieldSuggestions(word: string, keys: FilterKeys): Suggestion[] {
  const dot = word.indexOf('.');
  const fields: Suggestion[] = [];
  const fieldKeys = new Map<Suggestion, string>();
  const add = (namespace: 'params' | 'metrics' | 'tags' | 'attributes', key: string) => {
    const insert = `${namespace}.${quoteKey(key)}`;
    const suggestion = { label: insert, insert: `${insert} `, detail: namespace.replace(/s$/, '') };
    fieldKeys.set(suggestion, key.toLowerCase());
    fields.push(suggestion);
  };
  const all = () => {
    for (const key of keys.metrics) add('metrics', key);
    for (const key of keys.params) add('params', key);
    for (const key of keys.tags) add('tags', key);
    for (const key of ATTRIBUTES) add('attributes', key);
  };
  if (dot !== -1) {
    const namespace = NAMESPACES[word.slice(0, dot).toLowerCase()];
    if (namespace === undefined) return [];
    const partial = word.slice(dot + 1).replace(/`/g, '').toLowerCase();
    const source =
      namespace === 'attributes' ? ATTRIBUTES : namespace === 'params' ? keys.params : namespace === 'metrics' ? keys.metrics : keys.tags;
    const matching = source.filter((key) => key.toLowerCase().includes(partial));
    // Keys that start with what was typed come first.
    matching.sort((a, b) => Number(!a.toLowerCase().startsWith(partial)) - Number(!b.toLowerCase().startsWith(partial)));
    for (const key of matching) add(namespace, key);
    return fields;
  }
  const lower = word.toLowerCase();
  const namespaces: Suggestion[] = (['metrics', 'params', 'tags', 'attributes'] as const)
    .filter((namespace) => namespace.startsWith(lower))
    .map((namespace) => ({ label: `${namespace}.`, insert: `${namespace}.`, detail: 'field' }));
  all();
  // A bare word matches keys containing it, whatever their namespace.
  const matching = fields.filter((field) => lower !== '' && (fieldKeys.get(field) ?? '').includes(lower));
  return [...namespaces, ...matching];
}

/** The kind of value a field compares: metrics and time attributes are numbers. */
function isNumericField(word: string): boolean {
  const dot = word.indexOf('.');
  const namespace = NAMESPACES[word.slice(0, dot).toLowerCase()];
  if (namespace === 'metrics') return true;
  return namespace === 'attributes' && NUMERIC_ATTRIBUTES.has(word.slice(dot + 1).replace(/`/g, ''));
}

function isField(word: string): boolean {
  const dot = word.indexOf('.');
  return dot > 0 && NAMESPACES[word.slice(0, dot).toLowerCase()] !== undefined && dot < word.length - 1;
}

function isValue(word: string): boolean {
  return /^['"]/.test(word) || /^-?[0-9.][0-9.eE+-]*$/.test(word) || word === ')' || /^null$/i.test(word);
}

/** What to suggest with the caret at `caret` in `text`. */
export function complete(text: string, caret: number, keys: FilterKeys): Completion {
  const words = wordsBefore(text, caret);
  const last = words.at(-1);
  const typing = last !== undefined && last.end === caret && !/^['"]/.test(last.text) && !/^[()<>=!,]/.test(last.text);
  const current = typing ? last : undefined;
  const before = typing ? words.at(-2) : last;
  const from = current?.start ?? caret;
  const partial = current?.text ?? '';
  const filterBy = (items: string[], detail: string): Suggestion[] =>
    items
      .filter((item) => item.toLowerCase().startsWith(partial.toLowerCase()))
      .map((item) => ({ label: item, insert: `${item} `, detail }));

  let suggestions: Suggestion[];
  if (before !== undefined && isField(before.text) && !partial.includes('.')) {
    // After a field: a comparator.
    const comparators = isNumericField(before.text) ? NUMERIC_COMPARATORS : STRING_COMPARATORS;
    suggestions = filterBy(comparators, 'comparator');
  } else if (before !== undefined && isValue(before.text) && !partial.includes('.')) {
    suggestions = filterBy(CONNECTIVES, 'connective');
  } else if (before !== undefined && /^[<>=!]+$|^(like|ilike|in)$/i.test(before.text)) {
    // A value is expected: nothing to suggest.
    suggestions = [];
  } else {
    suggestions = fieldSuggestions(partial, keys);
  }
  // Nothing to add when the word is already exactly the only suggestion.
  if (suggestions.length === 1 && suggestions[0]?.insert.trim() === partial) suggestions = [];
  return { from, to: caret, suggestions: suggestions.slice(0, MAX_SUGGESTIONS) };
}

/** The text and caret after accepting `suggestion` in `completion`. */
export function accept(text: string, completion: Completion, suggestion: Suggestion): { text: string; caret: number } {
  const rest = text.slice(completion.to).replace(/^\s+/, suggestion.insert.endsWith(' ') ? '' : '$&');
  const next = text.slice(0, completion.from) + suggestion.insert + rest;
  return { text: next, caret: completion.from + suggestion.insert.length };
}
