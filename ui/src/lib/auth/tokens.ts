// The access-token form's rules: a name is required, the expiry is an optional whole number of
// days (1 to 3650), and a token's state in words for the list.
import type { AccessToken } from '../backend/accounts';

export const MAX_EXPIRY_DAYS = 3650;

/** The expiry typed as days: null for none, a number, or a problem naming the field. */
export function parseExpiryDays(text: string): { days: number | null } | { problem: string } {
  const trimmed = text.trim();
  if (trimmed === '') return { days: null };
  if (!/^\d+$/.test(trimmed)) return { problem: 'Expires in: a whole number of days, or empty for never.' };
  const days = Number(trimmed);
  if (days < 1 || days > MAX_EXPIRY_DAYS) return { problem: `Expires in: between 1 and ${MAX_EXPIRY_DAYS} days.` };
  return { days };
}

/** A new token's name, or a problem naming the field. */
export function tokenNameProblem(name: string, existing: readonly AccessToken[]): string | null {
  const trimmed = name.trim();
  if (trimmed === '') return 'Name: say what the token is for (e.g. "laptop" or "CI").';
  if (trimmed.length > 100) return 'Name: at most 100 characters.';
  if (existing.some((token) => token.name === trimmed)) return `Name: you already have a token named "${trimmed}".`;
  return null;
}

/** True when a token can no longer be used. */
export function isExpired(token: AccessToken, now = Date.now()): boolean {
  return token.expires_ms !== null && token.expires_ms <= now;
}
