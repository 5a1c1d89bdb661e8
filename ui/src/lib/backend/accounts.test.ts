import { describe, expect, it, vi } from 'vitest';

import { Accounts, AccountsError, retryAfter } from './accounts';
import { HttpBackend, type Fetch } from './http';

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
}

const ana = { id: 1, username: 'ana', is_admin: false };

describe('Accounts', () => {
  it('signs in with a same-origin JSON POST', async () => {
    const fetch = vi.fn<Fetch>(async () => json(200, { user: ana }));
    await expect(new Accounts('', fetch).login('ana', 'pw')).resolves.toEqual(ana);
    const [url, init] = fetch.mock.calls[0]!;
    expect(url).toBe('/app/auth/login');
    expect(init.method).toBe('POST');
    expect(init.credentials).toBe('same-origin');
    expect(JSON.parse(init.body as string)).toEqual({ username: 'ana', password: 'pw' });
  });

  it("keeps the server's message and status on a wrong password, without calling it an expired session", async () => {
    const fetch = vi.fn<Fetch>(async () => json(401, { error_code: 'UNAUTHENTICATED', message: 'Wrong user name or password.' }));
    const accounts = new Accounts('', fetch);
    const expired = vi.fn();
    accounts.onUnauthorized = expired;
    const thrown = await accounts.login('ana', 'nope').catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(AccountsError);
    expect(thrown).toMatchObject({ status: 401, code: 'UNAUTHENTICATED', message: 'Wrong user name or password.' });
    expect(expired).not.toHaveBeenCalled();
  });

  it('reads Retry-After on a throttled sign-in', async () => {
    const fetch = vi.fn<Fetch>(async () => json(429, { error_code: 'REQUEST_LIMIT_EXCEEDED', message: 'Too many' }, { 'retry-after': '12' }));
    await expect(new Accounts('', fetch).login('ana', 'x')).rejects.toMatchObject({ status: 429, retryAfterSeconds: 12 });
  });

  it('tells the app when any other request is refused with 401', async () => {
    const fetch = vi.fn<Fetch>(async () => json(401, { error_code: 'UNAUTHENTICATED', message: 'no session' }));
    const accounts = new Accounts('', fetch);
    const expired = vi.fn();
    accounts.onUnauthorized = expired;
    await expect(accounts.listTokens()).rejects.toMatchObject({ status: 401 });
    expect(expired).toHaveBeenCalledTimes(1);
  });

  it('does not call a 403 an expired session', async () => {
    const fetch = vi.fn<Fetch>(async () => json(403, { error_code: 'PERMISSION_DENIED', message: 'needs MANAGE' }));
    const accounts = new Accounts('', fetch);
    const expired = vi.fn();
    accounts.onUnauthorized = expired;
    await expect(accounts.setGrant('experiment', '1', { principal_type: 'user', principal: 'bo', permission: 'READ' })).rejects.toMatchObject({
      status: 403,
      message: 'needs MANAGE',
    });
    expect(expired).not.toHaveBeenCalled();
  });

  it.each<[string, (a: Accounts) => Promise<unknown>, string, string, unknown]>([
    ['lists grants', (a) => a.listGrants('experiment', '7'), 'GET', '/api/2.0/cairn/permissions/list?resource_type=experiment&resource_id=7', undefined],
    ['gets a user', (a) => a.getUser('a b'), 'GET', '/api/2.0/mlflow/users/get?username=a+b', undefined],
    [
      'sets a grant',
      (a) => a.setGrant('registered_model', 'm', { principal_type: 'group', principal: 'ml', permission: 'EDIT' }),
      'POST',
      '/api/2.0/cairn/permissions/set',
      { resource_type: 'registered_model', resource_id: 'm', principal_type: 'group', principal: 'ml', permission: 'EDIT' },
    ],
    ['changes own password', (a) => a.updatePassword('ana', 'new', 'old'), 'PATCH', '/api/2.0/mlflow/users/update-password', { username: 'ana', password: 'new', current_password: 'old' }],
    ['resets a password', (a) => a.updatePassword('ana', 'new'), 'PATCH', '/api/2.0/mlflow/users/update-password', { username: 'ana', password: 'new' }],
    ['deletes a user', (a) => a.deleteUser('bo'), 'DELETE', '/api/2.0/mlflow/users/delete', { username: 'bo' }],
    ['creates a token without expiry', (a) => a.createToken('ci', null), 'POST', '/api/2.0/cairn/tokens/create', { name: 'ci' }],
    ['creates an expiring token', (a) => a.createToken('ci', 30), 'POST', '/api/2.0/cairn/tokens/create', { name: 'ci', expires_in_days: 30 }],
    ['adds a member', (a) => a.addMember('ml', 'bo'), 'POST', '/api/2.0/cairn/groups/add-member', { group: 'ml', username: 'bo' }],
  ])('%s', async (_name, act, method, url, body) => {
    const fetch = vi.fn<Fetch>(async () => json(200, { grants: [], user: ana, token: {}, secret: 's' }));
    await act(new Accounts('', fetch));
    const [sentUrl, init] = fetch.mock.calls[0]!;
    expect(sentUrl).toBe(url);
    expect(init.method).toBe(method);
    expect(init.body === undefined ? undefined : JSON.parse(init.body as string)).toEqual(body);
  });

  it('names the request when the server sends no message', async () => {
    const fetch = vi.fn<Fetch>(async () => new Response('gateway down', { status: 502 }));
    await expect(new Accounts('', fetch).listUsers()).rejects.toThrow('HTTP 502 from GET /api/2.0/mlflow/users/list: gateway down');
  });

  it('reports an unreachable server with status 0', async () => {
    const fetch = vi.fn<Fetch>(async () => {
      throw new TypeError('Failed to fetch');
    });
    await expect(new Accounts('', fetch).session()).rejects.toMatchObject({ status: 0, message: 'cannot reach the Cairn server: Failed to fetch' });
  });
});

describe('Retry-After', () => {
  it.each<[string | null, number | null]>([
    [null, null],
    ['', null],
    ['30', 30],
    ['2.2', 3],
    ['soon', null],
    ['Thu, 01 Jan 1970 00:01:00 GMT', 60],
  ])('%s → %s', (header, expected) => {
    expect(retryAfter(header, 0)).toBe(expected);
  });
});

describe('a 401 from a store command', () => {
  it('ends the session and rejects', async () => {
    const fetch = vi.fn<Fetch>(async () => json(401, { error_code: 'UNAUTHENTICATED', message: 'session expired' }));
    const backend = new HttpBackend('', fetch);
    const expired = vi.fn();
    backend.accounts.onUnauthorized = expired;
    await expect(backend.call('list_experiments', {})).rejects.toMatchObject({ error_code: 'UNAUTHENTICATED' });
    expect(expired).toHaveBeenCalledTimes(1);
    expect(fetch.mock.calls[0]![1].credentials).toBe('same-origin');
  });
});
