import { describe, expect, it } from 'vitest';

import type { Grant, PermissionChange } from '../backend/accounts';
import { allows, candidates, changeText, editProblem, manageProblem, newestFirst, sortedGrants } from './share';

const grants: Grant[] = [
  { principal_type: 'group', principal: 'ml', permission: 'READ' },
  { principal_type: 'user', principal: 'cy', permission: 'MANAGE' },
  { principal_type: 'user', principal: 'ana', permission: 'EDIT' },
];

describe('permissions', () => {
  it.each<[Parameters<typeof allows>[0], Parameters<typeof allows>[1], boolean]>([
    ['READ', 'READ', true],
    ['READ', 'EDIT', false],
    ['EDIT', 'READ', true],
    ['EDIT', 'MANAGE', false],
    ['MANAGE', 'EDIT', true],
    ['NO_PERMISSIONS', 'READ', false],
  ])('%s allows %s: %s', (have, needed, expected) => {
    expect(allows(have, needed)).toBe(expected);
  });
});

describe('who may change the grants', () => {
  it.each<[string, Parameters<typeof manageProblem>[0]['your_permission'], boolean, string | null]>([
    ['MANAGE may', 'MANAGE', false, null],
    ['an admin may', 'READ', true, null],
    ['EDIT may not', 'EDIT', false, 'You have EDIT on this experiment: only someone with MANAGE can change who has access.'],
    ['READ may not', 'READ', false, 'You have READ on this experiment: only someone with MANAGE can change who has access.'],
  ])('%s', (_name, yours, isAdmin, expected) => {
    expect(manageProblem({ your_permission: yours }, isAdmin, 'experiment')).toBe(expected);
  });

  it('names a model as a model', () => {
    expect(manageProblem({ your_permission: 'READ' }, false, 'registered_model')).toContain('on this model');
  });
});

describe('the grants listed and the candidates', () => {
  it('lists users by name, then groups', () => {
    expect(sortedGrants(grants).map((g) => `${g.principal_type}:${g.principal}`)).toEqual(['user:ana', 'user:cy', 'group:ml']);
  });

  it('offers only users and groups without a grant yet', () => {
    const groups = [
      { name: 'ml', members: ['ana'] },
      { name: 'ops', members: [] },
    ];
    expect(candidates('user', ['cy', 'bo', 'ana', 'dee', 'bo'], groups, grants)).toEqual(['bo', 'dee']);
    expect(candidates('group', [], groups, grants)).toEqual(['ops']);
  });
});

describe('the permission history', () => {
  const change = (old: PermissionChange['old_permission'], next: PermissionChange['new_permission'], type: PermissionChange['principal_type'] = 'user'): PermissionChange => ({
    time_ms: 1,
    actor: 'root',
    principal_type: type,
    principal: type === 'user' ? 'bo' : 'ml',
    old_permission: old,
    new_permission: next,
  });
  it.each<[string, PermissionChange, string]>([
    ['a new grant', change(null, 'READ'), 'root gave bo READ'],
    ['a change', change('READ', 'EDIT'), 'root changed bo from READ to EDIT'],
    ['a removal', change('EDIT', null), 'root removed bo (was EDIT)'],
    ['a group', change(null, 'MANAGE', 'group'), 'root gave group ml MANAGE'],
    ['no actor', { ...change(null, 'READ'), actor: '' }, 'unknown user gave bo READ'],
  ])('%s', (_name, entry, expected) => {
    expect(changeText(entry)).toBe(expected);
  });

  it('shows the newest first', () => {
    const entries = [1, 3, 2].map((time_ms) => ({ ...change(null, 'READ'), time_ms }));
    expect(newestFirst(entries).map((e) => e.time_ms)).toEqual([3, 2, 1]);
  });
});

describe('read-only screens', () => {
  it.each<[string, Parameters<typeof editProblem>[0], boolean, string | null]>([
    ['EDIT may edit', ['EDIT'], false, null],
    ['MANAGE may edit', ['MANAGE'], false, null],
    ['READ may not', ['READ'], false, 'Read only: you have READ on this experiment.'],
    ['an admin may', ['READ'], true, null],
    ['unknown hides nothing', [undefined], false, null],
    ['one READ among several', ['EDIT', 'READ'], false, 'Read only: you have READ on one of these experiments.'],
    ['nothing selected', [], false, null],
  ])('%s', (_name, permissions, isAdmin, expected) => {
    expect(editProblem(permissions, isAdmin, 'experiment')).toBe(expected);
  });
});
