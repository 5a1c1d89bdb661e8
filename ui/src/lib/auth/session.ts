// The browser's sign-in state, as a pure state machine the app follows: it starts by asking the
// server for the session; with accounts on (mode `users`) and nobody signed in it shows the
// sign-in page; a 401 later (the session expired or was revoked) returns there with a notice,
// keeping the URL, so that signing in again puts the user back where they were. Without
// accounts (the desktop app, or `cairn serve` in mode none/token/basic) the app is simply open.
import { AccountsError, type AuthMode, type SessionAnswer, type SessionUser } from '../backend/accounts';

export type SessionState =
  /** Asking the server who is signed in. */
  | { phase: 'checking' }
  /** No accounts: the app as it always was (no sign-in, no sharing, no administration). */
  | { phase: 'open'; mode: Exclude<AuthMode, 'users'> | 'desktop' }
  /** Accounts are on and nobody is signed in: the sign-in page, with why it is shown. */
  | { phase: 'signed_out'; notice: string | null }
  /** Signed in; `epoch` counts sign-ins so the screens load afresh for each. */
  | { phase: 'signed_in'; user: SessionUser; epoch: number }
  /** The server could not say (unreachable, or an answer that is not a session). */
  | { phase: 'unknown'; problem: string };

export type SessionEvent =
  | { type: 'answered'; session: SessionAnswer }
  | { type: 'failed'; problem: string }
  | { type: 'signed_in'; user: SessionUser }
  /** A request was refused with 401. */
  | { type: 'unauthorized' }
  | { type: 'signed_out' };

export const EXPIRED_NOTICE = 'Your session ended. Sign in again to continue where you were.';

export const INITIAL_SESSION: SessionState = { phase: 'checking' };

/** The state after `event`. */
export function nextSession(state: SessionState, event: SessionEvent): SessionState {
  switch (event.type) {
    case 'answered': {
      const { mode, user } = event.session;
      if (mode !== 'users') return { phase: 'open', mode };
      if (user === null) return { phase: 'signed_out', notice: null };
      return { phase: 'signed_in', user, epoch: epochOf(state) + 1 };
    }
    case 'failed':
      return state.phase === 'checking' ? { phase: 'unknown', problem: event.problem } : state;
    case 'signed_in':
      return { phase: 'signed_in', user: event.user, epoch: epochOf(state) + 1 };
    case 'unauthorized':
      // Only a session that was signed in can expire; elsewhere a 401 is the screen's to show.
      return state.phase === 'signed_in' ? { phase: 'signed_out', notice: EXPIRED_NOTICE } : state;
    case 'signed_out':
      return state.phase === 'open' ? state : { phase: 'signed_out', notice: null };
  }
}

function epochOf(state: SessionState): number {
  return state.phase === 'signed_in' ? state.epoch : 0;
}

/** What the app offers in this state. */
export interface Features {
  /** The sign-in page replaces the app. */
  signIn: boolean;
  /** The user menu, sharing and the grants of what one sees. */
  accounts: boolean;
  /** The administration screens. */
  admin: boolean;
}

export function features(state: SessionState): Features {
  const signedIn = state.phase === 'signed_in';
  return {
    signIn: state.phase === 'signed_out',
    accounts: signedIn,
    admin: signedIn && state.user.is_admin,
  };
}

/** A refused sign-in in words for the page: the server's message, or how long to wait. */
export function signInProblem(thrown: unknown): string {
  if (thrown instanceof AccountsError) {
    if (thrown.status === 429) {
      return thrown.retryAfterSeconds !== null
        ? `Too many attempts — try again in ${thrown.retryAfterSeconds} s.`
        : 'Too many attempts — try again later.';
    }
    if (thrown.message !== '') return thrown.message;
    return `Sign-in failed (HTTP ${thrown.status}).`;
  }
  return thrown instanceof Error ? thrown.message : String(thrown);
}
