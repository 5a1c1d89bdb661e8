import { describe, expect, it } from 'vitest';

import { accept, complete, type FilterKeys } from './completion';

const keys: FilterKeys = { params: ['lr', 'optimizer', 'batch size'], metrics: ['val_acc', 'val_loss'], tags: ['model_family'] };
const labels = (text: string, caret = text.length) => complete(text, caret, keys).suggestions.map((s) => s.label);

describe('filter completion', () => {
  it('offers namespaces and matching fields at the start of a clause', () => {
    expect(labels('')).toEqual(['metrics.', 'params.', 'tags.', 'attributes.']);
    expect(labels('me')).toEqual(['metrics.', 'attributes.run_name', 'attributes.start_time', 'attributes.end_time']);
    expect(labels('val')).toEqual(['metrics.val_acc', 'metrics.val_loss']);
  });

  it('offers the keys of a namespace, quoting keys that need it', () => {
    expect(labels('metrics.')).toEqual(['metrics.val_acc', 'metrics.val_loss']);
    expect(labels('params.o')).toEqual(['params.optimizer']);
    expect(labels('params.b')).toEqual(['params.`batch size`']);
    expect(labels('tags.')).toEqual(['tags.model_family']);
    expect(labels('attributes.st')).toEqual(['attributes.status', 'attributes.start_time']);
    expect(labels('nope.x')).toEqual([]);
  });

  it('offers comparators after a field, by its type', () => {
    expect(labels('metrics.val_acc ')).toEqual(['=', '!=', '>', '>=', '<', '<=']);
    expect(labels('params.lr ')).toContain('LIKE');
    expect(labels('params.lr L')).toEqual(['LIKE']);
    expect(labels('attributes.start_time ')).not.toContain('LIKE');
  });

  it('offers nothing where a value goes, and and/or after a value', () => {
    expect(labels('metrics.val_acc > ')).toEqual([]);
    expect(labels("params.lr = '0.1' ")).toEqual(['and', 'or']);
    expect(labels('metrics.val_acc > 0.9 a')).toEqual(['and']);
    expect(labels('metrics.val_acc > 0.9 and ')).toEqual(['metrics.', 'params.', 'tags.', 'attributes.']);
    expect(labels('metrics.val_acc > 0.9 and (par')).toEqual(['params.']);
  });

  it('completes at the caret, not at the end', () => {
    const text = 'metrics.va > 0.5';
    const completion = complete(text, 'metrics.va'.length, keys);
    expect(completion.suggestions.map((s) => s.label)).toEqual(['metrics.val_acc', 'metrics.val_loss']);
    const accepted = accept(text, completion, completion.suggestions[0]!);
    expect(accepted.text).toBe('metrics.val_acc > 0.5');
  });

  it('replaces the word being typed and leaves the caret after it', () => {
    const text = 'params.op';
    const completion = complete(text, text.length, keys);
    const accepted = accept(text, completion, completion.suggestions[0]!);
    expect(accepted).toEqual({ text: 'params.optimizer ', caret: 'params.optimizer '.length });
    const namespace = complete('me', 2, keys);
    expect(accept('me', namespace, namespace.suggestions[0]!)).toEqual({ text: 'metrics.', caret: 8 });
  });
});
