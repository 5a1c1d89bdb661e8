// The app's sign-in state (session.ts's machine, reactive) and the accounts it talks to, shared
// with every screen through Svelte's context: `useAuth()` gives screens the signed-in user and the
// accounts, or undefined in the desktop app and whenever accounts are off.
import { getContext, setContext } from 'svelte';

import { AccountsError, type Accounts, type SessionUser } from '../backend/accounts';
import { INITIAL_SESSION, features, nextSession, signInProblem, type SessionEvent, type SessionState } from './session';

const KEY = Symbol('cairn-auth');

export class Auth {
  state = $state.raw<SessionState>(INITIAL_SESSION);
  readonly features = $derived(features(this.state));
  readonly user = $derived(this.state.phase === 'signed_in' ? this.state.user : null);

  constructor(readonly accounts: Accounts | undefined) {
    if (accounts === undefined) this.state = { phase: 'open', mode: 'desktop' };
    else accounts.onUnauthorized = () => this.apply({ type: 'unauthorized' });
  }

  apply(event: SessionEvent): void {
    this.state = nextSession(this.state, event);
  }

  /** Asks the server who is signed in (the desktop app has no accounts: open at once). */
  async start(): Promise<void> {
    if (this.accounts === undefined) return;
    try {
      this.apply({ type: 'answered', session: await this.accounts.session() });
    } catch (thrown) {
      // A server from before accounts has no session endpoint: it is open.
      if (thrown instanceof AccountsError && thrown.status === 404) this.apply({ type: 'answered', session: { mode: 'none', user: null } });
      else this.apply({ type: 'failed', problem: signInProblem(thrown) });
    }
  }

  /** Signs in; resolves with null, or with what went wrong in words for the page. */
  async signIn(username: string, password: string): Promise<string | null> {
    if (this.accounts === undefined) return 'This app has no accounts.';
    try {
      const user: SessionUser = await this.accounts.login(username, password);
      this.apply({ type: 'signed_in', user });
      return null;
    } catch (thrown) {
      return signInProblem(thrown);
    }
  }

  /** Signs out (the server revokes the session). The sign-in page shows even if the server
   *  could not be told: the session then ends when it expires. */
  async signOut(): Promise<void> {
    try {
      await this.accounts?.logout();
    } catch {
      // Nothing more to do here: the page is signed out either way.
    }
    this.apply({ type: 'signed_out' });
  }
}

/** Shares `auth` with the components below the caller. */
export function provideAuth(auth: Auth): void {
  setContext(KEY, auth);
}

/** What a screen needs for accounts: present only while someone is signed in. */
export interface SignedIn {
  accounts: Accounts;
  user: SessionUser;
}

/** The app's auth (undefined in a component tree without one, e.g. a unit test). */
export function useAuth(): Auth | undefined {
  return getContext<Auth | undefined>(KEY);
}

/** The signed-in user and the accounts, or null without accounts. */
export function signedIn(auth: Auth | undefined): SignedIn | null {
  if (auth === undefined || auth.accounts === undefined || auth.user === null) return null;
  return { accounts: auth.accounts, user: auth.user };
}
