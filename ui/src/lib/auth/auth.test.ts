import { describe, expect, it, vi } from 'vitest';

import { Accounts } from '../backend/accounts';
import type { Fetch } from '../backend/http';
import { Auth } from './auth.svelte';
import { EXPIRED_NOTICE } from './session';

const ana = { id: 1, username: 'ana', is_admin: false };

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
}

/** A server answering each path with the queued responses, in order. */
function server(routes: Record<string, (() => Response)[]>): { fetch: Fetch; calls: string[] } {
  const calls: string[] = [];
  const fetch = vi.fn<Fetch>(async (url) => {
    const path = url.split('?')[0]!;
    calls.push(path);
    const next = routes[path]?.shift();
    return next !== undefined ? next() : json(404, { error_code: 'ENDPOINT_NOT_FOUND', message: 'no route' });
  });
  return { fetch, calls };
}

describe('the app’s sign-in state', () => {
  it('is open at once without accounts (the desktop app), asking nothing', async () => {
    const auth = new Auth(undefined);
    expect(auth.state).toEqual({ phase: 'open', mode: 'desktop' });
    await auth.start();
    expect(auth.features).toEqual({ signIn: false, accounts: false, admin: false });
  });

  it('is open on a server without the session route', async () => {
    const { fetch } = server({});
    const auth = new Auth(new Accounts('', fetch));
    expect(auth.state.phase).toBe('checking');
    await auth.start();
    expect(auth.state).toEqual({ phase: 'open', mode: 'none' });
  });

  it('signs in after a refusal, and signs out', async () => {
    const { fetch, calls } = server({
      '/app/auth/session': [() => json(200, { mode: 'users', user: null })],
      '/app/auth/login': [
        () => json(401, { error_code: 'UNAUTHENTICATED', message: 'wrong user name, password or token' }),
        () => json(429, { error_code: 'REQUEST_LIMIT_EXCEEDED', message: 'too many' }, { 'retry-after': '9' }),
        () => json(200, { user: ana }),
      ],
      '/app/auth/logout': [() => json(200, {})],
    });
    const auth = new Auth(new Accounts('', fetch));
    await auth.start();
    expect(auth.features.signIn).toBe(true);
    expect(await auth.signIn('ana', 'nope')).toBe('wrong user name, password or token');
    expect(await auth.signIn('ana', 'nope')).toBe('Too many attempts — try again in 9 s.');
    expect(auth.state.phase).toBe('signed_out');
    expect(await auth.signIn('ana', 'right')).toBeNull();
    expect(auth.user).toEqual(ana);
    await auth.signOut();
    expect(auth.state).toEqual({ phase: 'signed_out', notice: null });
    expect(calls.at(-1)).toBe('/app/auth/logout');
  });

  it('returns to the sign-in page with a notice when a request is refused with 401', async () => {
    const { fetch } = server({
      '/app/auth/session': [() => json(200, { mode: 'users', user: ana })],
      '/api/2.0/cairn/tokens/list': [() => json(401, { error_code: 'UNAUTHENTICATED', message: 'session ended' })],
    });
    const accounts = new Accounts('', fetch);
    const auth = new Auth(accounts);
    await auth.start();
    expect(auth.features.accounts).toBe(true);
    await expect(accounts.listTokens()).rejects.toMatchObject({ status: 401 });
    expect(auth.state).toEqual({ phase: 'signed_out', notice: EXPIRED_NOTICE });
  });

  it('shows the sign-in page even when signing out fails on the way', async () => {
    const { fetch } = server({
      '/app/auth/session': [() => json(200, { mode: 'users', user: ana })],
      '/app/auth/logout': [() => json(500, { error_code: 'INTERNAL_ERROR', message: 'db gone' })],
    });
    const auth = new Auth(new Accounts('', fetch));
    await auth.start();
    await auth.signOut();
    expect(auth.state.phase).toBe('signed_out');
  });
});
