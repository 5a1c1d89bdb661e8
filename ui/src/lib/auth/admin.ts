// The administration screens' rules: what a new user name and password must be before the
// server is asked, a group name, and the users listed admins first.
import type { SessionUser } from '../backend/accounts';

/** A new user's name, or a problem naming the field. */
export function userNameProblem(name: string, existing: readonly SessionUser[]): string | null {
  const trimmed = name.trim();
  if (trimmed === '') return 'User name: required.';
  if (/\s/.test(trimmed)) return 'User name: no spaces.';
  if (trimmed.length > 64) return 'User name: at most 64 characters.';
  if (existing.some((user) => user.username === trimmed)) return `User name: "${trimmed}" already exists.`;
  return null;
}

/** A password to set, or a problem naming the field (the server has the final word). */
export function passwordProblem(password: string): string | null {
  if (password === '') return 'Password: required.';
  if (password.length < 8) return 'Password: at least 8 characters.';
  return null;
}

/** A new group's name, or a problem naming the field. */
export function groupNameProblem(name: string, existing: readonly { name: string }[]): string | null {
  const trimmed = name.trim();
  if (trimmed === '') return 'Group name: required.';
  if (existing.some((group) => group.name === trimmed)) return `Group name: "${trimmed}" already exists.`;
  return null;
}

/** Users as listed: admins first, then by name. */
export function sortedUsers(users: readonly SessionUser[]): SessionUser[] {
  return [...users].sort((a, b) => Number(b.is_admin) - Number(a.is_admin) || a.username.localeCompare(b.username));
}
