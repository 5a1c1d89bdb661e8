import { describe, expect, it } from 'vitest';

import { AccountsError, type SessionUser } from '../backend/accounts';
import { EXPIRED_NOTICE, INITIAL_SESSION, features, nextSession, signInProblem, type SessionEvent, type SessionState } from './session';

const ana: SessionUser = { id: 1, username: 'ana', is_admin: false };
const root: SessionUser = { id: 2, username: 'root', is_admin: true };

function run(events: SessionEvent[], from: SessionState = INITIAL_SESSION): SessionState {
  return events.reduce(nextSession, from);
}

describe('the session state machine', () => {
  const cases: [string, SessionEvent[], SessionState][] = [
    ['a server without accounts is open', [{ type: 'answered', session: { mode: 'none', user: null } }], { phase: 'open', mode: 'none' }],
    ['token mode is open', [{ type: 'answered', session: { mode: 'token', user: null } }], { phase: 'open', mode: 'token' }],
    ['basic mode is open', [{ type: 'answered', session: { mode: 'basic', user: null } }], { phase: 'open', mode: 'basic' }],
    ['accounts with nobody signed in ask to sign in', [{ type: 'answered', session: { mode: 'users', user: null } }], { phase: 'signed_out', notice: null }],
    ['a live session cookie signs in at once', [{ type: 'answered', session: { mode: 'users', user: ana } }], { phase: 'signed_in', user: ana, epoch: 1 }],
    ['an unreachable server is unknown', [{ type: 'failed', problem: 'down' }], { phase: 'unknown', problem: 'down' }],
    [
      'signing in after the page',
      [{ type: 'answered', session: { mode: 'users', user: null } }, { type: 'signed_in', user: ana }],
      { phase: 'signed_in', user: ana, epoch: 1 },
    ],
    [
      'a 401 while signed in returns to the page with a notice',
      [{ type: 'answered', session: { mode: 'users', user: ana } }, { type: 'unauthorized' }],
      { phase: 'signed_out', notice: EXPIRED_NOTICE },
    ],
    [
      'signing in again starts a new epoch',
      [{ type: 'answered', session: { mode: 'users', user: ana } }, { type: 'unauthorized' }, { type: 'signed_in', user: ana }],
      { phase: 'signed_in', user: ana, epoch: 1 },
    ],
    [
      'a second user after signing out',
      [{ type: 'signed_in', user: root }, { type: 'signed_out' }, { type: 'signed_in', user: ana }],
      { phase: 'signed_in', user: ana, epoch: 1 },
    ],
    ['a 401 without accounts changes nothing', [{ type: 'answered', session: { mode: 'token', user: null } }, { type: 'unauthorized' }], { phase: 'open', mode: 'token' }],
    ['a 401 on the sign-in page keeps it as it is', [{ type: 'answered', session: { mode: 'users', user: null } }, { type: 'unauthorized' }], { phase: 'signed_out', notice: null }],
    ['signing out when open stays open', [{ type: 'answered', session: { mode: 'none', user: null } }, { type: 'signed_out' }], { phase: 'open', mode: 'none' }],
    ['a late failure does not end a session', [{ type: 'signed_in', user: ana }, { type: 'failed', problem: 'x' }], { phase: 'signed_in', user: ana, epoch: 1 }],
  ];
  it.each(cases)('%s', (_name, events, expected) => {
    expect(run(events)).toEqual(expected);
  });

  it('counts sign-ins so screens reload for each', () => {
    const first = run([{ type: 'signed_in', user: ana }]);
    const second = nextSession(first, { type: 'signed_in', user: root });
    expect(second).toEqual({ phase: 'signed_in', user: root, epoch: 2 });
  });
});

describe('what the app offers', () => {
  it.each<[string, SessionState, ReturnType<typeof features>]>([
    ['checking', { phase: 'checking' }, { signIn: false, accounts: false, admin: false }],
    ['the desktop app', { phase: 'open', mode: 'desktop' }, { signIn: false, accounts: false, admin: false }],
    ['a token server', { phase: 'open', mode: 'token' }, { signIn: false, accounts: false, admin: false }],
    ['signed out', { phase: 'signed_out', notice: null }, { signIn: true, accounts: false, admin: false }],
    ['a user', { phase: 'signed_in', user: ana, epoch: 1 }, { signIn: false, accounts: true, admin: false }],
    ['an admin', { phase: 'signed_in', user: root, epoch: 1 }, { signIn: false, accounts: true, admin: true }],
  ])('%s', (_name, state, expected) => {
    expect(features(state)).toEqual(expected);
  });
});

describe('a refused sign-in in words', () => {
  it.each<[string, unknown, string]>([
    ['the server message', new AccountsError('Wrong user name or password.', 401, 'UNAUTHENTICATED'), 'Wrong user name or password.'],
    ['throttled with a wait', new AccountsError('slow down', 429, '', 17), 'Too many attempts — try again in 17 s.'],
    ['throttled without one', new AccountsError('slow down', 429), 'Too many attempts — try again later.'],
    ['no message', new AccountsError('', 500), 'Sign-in failed (HTTP 500).'],
    ['anything else', new Error('boom'), 'boom'],
  ])('%s', (_name, thrown, expected) => {
    expect(signInProblem(thrown)).toBe(expected);
  });
});
