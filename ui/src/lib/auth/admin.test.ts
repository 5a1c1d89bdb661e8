import { describe, expect, it } from 'vitest';

import { groupNameProblem, passwordProblem, sortedUsers, userNameProblem } from './admin';

const users = [
  { id: 1, username: 'bo', is_admin: false },
  { id: 2, username: 'root', is_admin: true },
  { id: 3, username: 'ana', is_admin: false },
];

describe('administration rules', () => {
  it.each<[string, string | null]>([
    ['dee', null],
    ['', 'User name: required.'],
    ['a b', 'User name: no spaces.'],
    ['bo', 'User name: "bo" already exists.'],
    ['x'.repeat(65), 'User name: at most 64 characters.'],
  ])('user name %j', (name, expected) => {
    expect(userNameProblem(name, users)).toBe(expected);
  });

  it.each<[string, string | null]>([
    ['', 'Password: required.'],
    ['short', 'Password: at least 8 characters.'],
    ['long enough', null],
  ])('password %j', (password, expected) => {
    expect(passwordProblem(password)).toBe(expected);
  });

  it.each<[string, string | null]>([
    ['ml', 'Group name: "ml" already exists.'],
    [' ', 'Group name: required.'],
    ['ops', null],
  ])('group name %j', (name, expected) => {
    expect(groupNameProblem(name, [{ name: 'ml' }])).toBe(expected);
  });

  it('lists admins first, then by name', () => {
    expect(sortedUsers(users).map((u) => u.username)).toEqual(['root', 'ana', 'bo']);
  });
});
