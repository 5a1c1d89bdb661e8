// The one seam to `cairn serve`'s accounts (only with `--auth users`): the session (sign in and
// out with the HttpOnly session cookie), users, groups, personal access tokens and the grants on
// experiments and registered models. Every request is same-origin with the cookie; errors are
// MLflow's `{error_code, message}` and become an `AccountsError` with the HTTP status (and, for a
// 429, the seconds to wait). A 401 outside signing in means the session ended: `onUnauthorized`
// is told, so the app can show the sign-in page. The desktop app has no accounts.
import type { Fetch } from './http';

export type AuthMode = 'users' | 'none' | 'token' | 'basic';
export type Permission = 'READ' | 'EDIT' | 'MANAGE' | 'NO_PERMISSIONS';
export type ResourceType = 'experiment' | 'registered_model';
export type PrincipalType = 'user' | 'group';

export interface SessionUser {
  id: number;
  username: string;
  is_admin: boolean;
}

export interface SessionAnswer {
  mode: AuthMode;
  user: SessionUser | null;
}

export interface UserDetail extends SessionUser {
  experiment_permissions: { experiment_id: string; user_id?: number; permission: Permission }[];
  registered_model_permissions: { name: string; user_id?: number; permission: Permission }[];
}

export interface Grant {
  principal_type: PrincipalType;
  principal: string;
  permission: Permission;
}

export interface Grants {
  grants: Grant[];
  default_permission: Permission;
  your_permission: Permission;
}

export interface PermissionChange {
  time_ms: number;
  actor: string;
  principal_type: PrincipalType;
  principal: string;
  old_permission: Permission | null;
  new_permission: Permission | null;
}

export interface Group {
  name: string;
  members: string[];
}

export interface AccessToken {
  id: number | string;
  name: string;
  created_ms: number;
  expires_ms: number | null;
  last_used_ms: number | null;
}

/** A refused or failed accounts request: the server's message, its HTTP status and code. */
export class AccountsError extends Error {
  constructor(
    message: string,
    /** The HTTP status; 0 when the server could not be reached. */
    readonly status: number,
    readonly code = '',
    /** For a 429: the seconds the server asks to wait (`Retry-After`). */
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(message);
    this.name = 'AccountsError';
  }
}

export class Accounts {
  /** Told about a 401 from any request but signing in: the session expired or was revoked. */
  onUnauthorized: (() => void) | undefined;

  /** `fetchImpl` is the HTTP backend's (http.ts is where the UI's requests leave). */
  constructor(
    private readonly baseUrl: string,
    private readonly fetchImpl: Fetch,
  ) {}

  // --- the session ---

  session(): Promise<SessionAnswer> {
    return this.request('GET', '/app/auth/session', undefined, { quiet401: true });
  }

  async login(username: string, password: string): Promise<SessionUser> {
    const answer = await this.request<{ user: SessionUser }>('POST', '/app/auth/login', { username, password }, { quiet401: true });
    return answer.user;
  }

  async logout(): Promise<void> {
    await this.request('POST', '/app/auth/logout', {}, { quiet401: true });
  }

  // --- users ---

  async listUsers(): Promise<SessionUser[]> {
    return (await this.request<{ users: SessionUser[] }>('GET', '/api/2.0/mlflow/users/list')).users;
  }

  async userNames(): Promise<string[]> {
    return (await this.request<{ users: string[] }>('GET', '/api/2.0/cairn/users/names')).users;
  }

  async getUser(username: string): Promise<UserDetail> {
    return (await this.request<{ user: UserDetail }>('GET', `/api/2.0/mlflow/users/get?${query({ username })}`)).user;
  }

  async createUser(username: string, password: string): Promise<SessionUser> {
    return (await this.request<{ user: SessionUser }>('POST', '/api/2.0/mlflow/users/create', { username, password })).user;
  }

  async updatePassword(username: string, password: string, currentPassword?: string): Promise<void> {
    const body = currentPassword === undefined ? { username, password } : { username, password, current_password: currentPassword };
    await this.request('PATCH', '/api/2.0/mlflow/users/update-password', body);
  }

  async updateAdmin(username: string, isAdmin: boolean): Promise<void> {
    await this.request('PATCH', '/api/2.0/mlflow/users/update-admin', { username, is_admin: isAdmin });
  }

  async deleteUser(username: string): Promise<void> {
    await this.request('DELETE', '/api/2.0/mlflow/users/delete', { username });
  }

  // --- groups ---

  async listGroups(): Promise<Group[]> {
    return (await this.request<{ groups: Group[] }>('GET', '/api/2.0/cairn/groups/list')).groups;
  }

  async createGroup(name: string): Promise<void> {
    await this.request('POST', '/api/2.0/cairn/groups/create', { name });
  }

  async deleteGroup(name: string): Promise<void> {
    await this.request('POST', '/api/2.0/cairn/groups/delete', { name });
  }

  async addMember(group: string, username: string): Promise<void> {
    await this.request('POST', '/api/2.0/cairn/groups/add-member', { group, username });
  }

  async removeMember(group: string, username: string): Promise<void> {
    await this.request('POST', '/api/2.0/cairn/groups/remove-member', { group, username });
  }

  // --- grants on an experiment or a registered model ---

  listGrants(resourceType: ResourceType, resourceId: string): Promise<Grants> {
    return this.request('GET', `/api/2.0/cairn/permissions/list?${query({ resource_type: resourceType, resource_id: resourceId })}`);
  }

  async setGrant(resourceType: ResourceType, resourceId: string, grant: Grant): Promise<void> {
    await this.request('POST', '/api/2.0/cairn/permissions/set', { resource_type: resourceType, resource_id: resourceId, ...grant });
  }

  async removeGrant(resourceType: ResourceType, resourceId: string, principalType: PrincipalType, principal: string): Promise<void> {
    await this.request('POST', '/api/2.0/cairn/permissions/remove', {
      resource_type: resourceType,
      resource_id: resourceId,
      principal_type: principalType,
      principal,
    });
  }

  async grantHistory(resourceType: ResourceType, resourceId: string): Promise<PermissionChange[]> {
    const path = `/api/2.0/cairn/permissions/history?${query({ resource_type: resourceType, resource_id: resourceId })}`;
    return (await this.request<{ entries: PermissionChange[] }>('GET', path)).entries;
  }

  // --- the caller's personal access tokens ---

  async listTokens(): Promise<AccessToken[]> {
    return (await this.request<{ tokens: AccessToken[] }>('GET', '/api/2.0/cairn/tokens/list')).tokens;
  }

  /** A new token and its secret, which the server shows this once. */
  createToken(name: string, expiresInDays: number | null): Promise<{ token: AccessToken; secret: string }> {
    const body = expiresInDays === null ? { name } : { name, expires_in_days: expiresInDays };
    return this.request('POST', '/api/2.0/cairn/tokens/create', body);
  }

  async revokeToken(id: AccessToken['id']): Promise<void> {
    await this.request('POST', '/api/2.0/cairn/tokens/revoke', { id });
  }

  private async request<T>(method: string, path: string, body?: unknown, options: { quiet401?: boolean } = {}): Promise<T> {
    const url = `${this.baseUrl}${path}`;
    const init: RequestInit = { method, credentials: 'same-origin', headers: { accept: 'application/json' } };
    if (body !== undefined) {
      init.headers = { accept: 'application/json', 'content-type': 'application/json' };
      init.body = JSON.stringify(body);
    }
    let response: Response;
    try {
      response = await this.fetchImpl(url, init);
    } catch (thrown) {
      const reason = thrown instanceof Error ? thrown.message : String(thrown);
      throw new AccountsError(`cannot reach the Cairn server: ${reason}`, 0);
    }
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text === '' ? {} : JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (!response.ok) {
      if (response.status === 401 && options.quiet401 !== true) this.onUnauthorized?.();
      throw errorFrom(response, parsed, text, method, path);
    }
    if (parsed === undefined) throw new AccountsError(`the server sent a response that is not JSON: ${method} ${path}`, response.status);
    return parsed as T;
  }
}

/** The error a refused request stands for: the server's message, else the status and path. */
export function errorFrom(response: Response, parsed: unknown, text: string, method: string, path: string): AccountsError {
  const record = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  const code = typeof record.error_code === 'string' ? record.error_code : '';
  const message =
    typeof record.message === 'string' && record.message !== ''
      ? record.message
      : `HTTP ${response.status} from ${method} ${path.split('?')[0]}: ${text.trim().slice(0, 200) || response.statusText}`;
  return new AccountsError(message, response.status, code, retryAfter(response.headers.get('retry-after')));
}

/** `Retry-After` in whole seconds (a number of seconds or an HTTP date), or null. */
export function retryAfter(header: string | null, now = Date.now()): number | null {
  if (header === null || header.trim() === '') return null;
  const seconds = Number(header.trim());
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
  const when = Date.parse(header);
  return Number.isNaN(when) ? null : Math.max(0, Math.ceil((when - now) / 1000));
}

function query(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}
