import { describe, expect, it } from 'vitest';

import { BackendError } from './backend';
import { Latest, Resource, errorKind, errorText, failureOf } from './resource.svelte';

/** A promise and the functions that settle it, for answers that arrive out of order. */
function pending<T>() {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('errorText', () => {
  it('gives the message of any thrown value', () => {
    expect(errorText(new BackendError('not_found', 'no such run'))).toBe('no such run');
    expect(errorText(new Error('network down'))).toBe('network down');
    expect(errorText({ kind: 'invalid_argument', message: 'bad filter' })).toBe('bad filter');
    expect(errorText('plain text')).toBe('plain text');
    expect(errorText(42)).toBe('42');
    expect(errorText(undefined)).toBe('undefined');
  });

  it('gives the kind the backend reported, transport for anything else', () => {
    expect(errorKind({ kind: 'not_found', message: 'x' })).toBe('not_found');
    expect(errorKind(new BackendError('not_found', 'x'))).toBe('not_found');
    expect(errorKind(new Error('x'))).toBe('transport');
    expect(failureOf('boom')).toEqual({ kind: 'transport', message: 'boom' });
  });
});

describe('Latest', () => {
  it('makes every earlier ticket stale', () => {
    const latest = new Latest();
    const first = latest.next();
    expect(latest.isCurrent(first)).toBe(true);
    const second = latest.next();
    expect(latest.isCurrent(first)).toBe(false);
    expect(latest.isCurrent(second)).toBe(true);
    expect(latest.current).toBe(second);
  });
});

describe('Resource', () => {
  it('keeps the latest answer and drops one that arrives after it', async () => {
    const resource = new Resource<string>();
    const slow = pending<string>();
    const fast = pending<string>();
    const first = resource.load(() => slow.promise);
    const second = resource.load(() => fast.promise);
    fast.resolve('new');
    expect(await second).toMatchObject({ ok: true, value: 'new' });
    slow.resolve('old');
    expect(await first).toMatchObject({ ok: false });
    expect(resource.value).toBe('new');
    expect(resource.loading).toBe(false);
    expect(resource.error).toBeNull();
  });

  it('drops a stale failure', async () => {
    const resource = new Resource<string>();
    const slow = pending<string>();
    const first = resource.load(() => slow.promise);
    await resource.load(() => Promise.resolve('fresh'));
    slow.reject(new BackendError('internal', 'too late'));
    await first;
    expect(resource.value).toBe('fresh');
    expect(resource.error).toBeNull();
  });

  it('keeps the value while asking again, and clears it on failure with the error text', async () => {
    const resource = new Resource<number>();
    await resource.load(() => Promise.resolve(1));
    const next = pending<number>();
    const loading = resource.load(() => next.promise);
    expect(resource.loading).toBe(true);
    expect(resource.value).toBe(1);
    next.reject({ kind: 'not_found', message: 'no such run: abc' });
    await loading;
    expect(resource.value).toBeNull();
    expect(resource.error).toEqual({ kind: 'not_found', message: 'no such run: abc' });
    expect(resource.loading).toBe(false);
  });

  it('calls accept only for the latest answer, before it becomes the value', async () => {
    const resource = new Resource<string>();
    const seen: [string, string | null][] = [];
    const slow = pending<string>();
    const first = resource.load(() => slow.promise, (value) => seen.push([value, resource.value]));
    await resource.load(() => Promise.resolve('b'), (value) => seen.push([value, resource.value]));
    slow.resolve('a');
    await first;
    expect(seen).toEqual([['b', null]]);
  });

  it('drops the answer on its way when cleared', async () => {
    const resource = new Resource<string>();
    const slow = pending<string>();
    const loading = resource.load(() => slow.promise);
    resource.clear();
    slow.resolve('late');
    const loaded = await loading;
    expect(loaded.ok).toBe(false);
    expect(resource.isCurrent(loaded.ticket)).toBe(false);
    expect(resource.value).toBeNull();
    expect(resource.loading).toBe(false);
  });
});
