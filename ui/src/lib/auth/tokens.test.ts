import { describe, expect, it } from 'vitest';

import type { AccessToken } from '../backend/accounts';
import { isExpired, parseExpiryDays, tokenNameProblem } from './tokens';

const token = (name: string, expires_ms: number | null = null): AccessToken => ({ id: 1, name, created_ms: 0, expires_ms, last_used_ms: null });

describe('the token form', () => {
  it.each<[string, ReturnType<typeof parseExpiryDays>]>([
    ['', { days: null }],
    ['  ', { days: null }],
    ['30', { days: 30 }],
    [' 7 ', { days: 7 }],
    ['0', { problem: 'Expires in: between 1 and 3650 days.' }],
    ['9999', { problem: 'Expires in: between 1 and 3650 days.' }],
    ['1.5', { problem: 'Expires in: a whole number of days, or empty for never.' }],
    ['-3', { problem: 'Expires in: a whole number of days, or empty for never.' }],
    ['soon', { problem: 'Expires in: a whole number of days, or empty for never.' }],
  ])('expiry %j', (text, expected) => {
    expect(parseExpiryDays(text)).toEqual(expected);
  });

  it.each<[string, string | null]>([
    ['laptop', null],
    ['', 'Name: say what the token is for (e.g. "laptop" or "CI").'],
    ['ci', 'Name: you already have a token named "ci".'],
    ['x'.repeat(101), 'Name: at most 100 characters.'],
  ])('name %j', (name, expected) => {
    expect(tokenNameProblem(name, [token('ci')])).toBe(expected);
  });

  it('knows an expired token', () => {
    expect(isExpired(token('a', 100), 200)).toBe(true);
    expect(isExpired(token('a', 300), 200)).toBe(false);
    expect(isExpired(token('a'), 200)).toBe(false);
  });
});
