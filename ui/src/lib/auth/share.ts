// The share dialog's model: who has which permission on an experiment or a registered model,
// who can still be added, whether the viewer may change any of it (and why not), and the
// permission history in words. Pure, so it is tested without a page.
import type { Grant, Grants, Group, Permission, PermissionChange, PrincipalType, ResourceType } from '../backend/accounts';

/** The permissions one can grant, weakest first. */
export const GRANTABLE: readonly Permission[] = ['READ', 'EDIT', 'MANAGE'];

const RANK: Record<Permission, number> = { NO_PERMISSIONS: 0, READ: 1, EDIT: 2, MANAGE: 3 };

/** True when `permission` includes `needed` (EDIT includes READ; MANAGE everything). */
export function allows(permission: Permission, needed: Permission): boolean {
  return (RANK[permission] ?? 0) >= RANK[needed];
}

/** What a permission lets one do, for tooltips and the legend. */
export function permissionMeaning(permission: Permission): string {
  switch (permission) {
    case 'READ':
      return 'sees runs, metrics and artifacts';
    case 'EDIT':
      return 'also logs runs, artifacts, versions and tags';
    case 'MANAGE':
      return 'also deletes, renames and shares';
    case 'NO_PERMISSIONS':
      return 'sees nothing';
  }
}

export function resourceNoun(type: ResourceType): string {
  return type === 'experiment' ? 'experiment' : 'model';
}

/** Why the viewer cannot change the grants, or null when they can (MANAGE, or an admin). */
export function manageProblem(grants: Pick<Grants, 'your_permission'>, isAdmin: boolean, type: ResourceType): string | null {
  if (isAdmin || allows(grants.your_permission, 'MANAGE')) return null;
  return `You have ${grants.your_permission} on this ${resourceNoun(type)}: only someone with MANAGE can change who has access.`;
}

/** The grants as listed: users first, then groups, each by name. */
export function sortedGrants(grants: readonly Grant[]): Grant[] {
  return [...grants].sort(
    (a, b) => (a.principal_type === b.principal_type ? 0 : a.principal_type === 'user' ? -1 : 1) || a.principal.localeCompare(b.principal),
  );
}

/** The users or groups a new grant may name: those without one yet, by name. */
export function candidates(
  type: PrincipalType,
  userNames: readonly string[],
  groups: readonly Group[],
  grants: readonly Grant[],
): string[] {
  const granted = new Set(grants.filter((g) => g.principal_type === type).map((g) => g.principal));
  const names = type === 'user' ? userNames : groups.map((g) => g.name);
  return [...new Set(names)].filter((name) => !granted.has(name)).sort((a, b) => a.localeCompare(b));
}

/** One history entry in words: "ana gave bo EDIT", "ana changed group ml from READ to EDIT", "ana removed bo (READ)". */
export function changeText(entry: PermissionChange): string {
  const who = entry.principal_type === 'group' ? `group ${entry.principal}` : entry.principal;
  const actor = entry.actor || 'unknown user';
  if (entry.old_permission === null && entry.new_permission !== null) return `${actor} gave ${who} ${entry.new_permission}`;
  if (entry.new_permission === null && entry.old_permission !== null) return `${actor} removed ${who} (was ${entry.old_permission})`;
  if (entry.new_permission === null) return `${actor} removed ${who}`;
  return `${actor} changed ${who} from ${entry.old_permission} to ${entry.new_permission}`;
}

/** The history, newest first. */
export function newestFirst(entries: readonly PermissionChange[]): PermissionChange[] {
  return [...entries].sort((a, b) => b.time_ms - a.time_ms);
}

/**
 * Why the viewer may not change what they see (logging, tagging, deleting), or null when they
 * may: an admin may; otherwise every permission must include EDIT. An unknown permission (not
 * loaded yet, or its request failed) does not hide anything: the server still refuses.
 */
export function editProblem(permissions: readonly (Permission | undefined)[], isAdmin: boolean, type: ResourceType): string | null {
  if (isAdmin) return null;
  const lacking = permissions.find((p) => p !== undefined && !allows(p, 'EDIT'));
  if (lacking === undefined) return null;
  const which = permissions.length > 1 ? `one of these ${resourceNoun(type)}s` : `this ${resourceNoun(type)}`;
  return `Read only: you have ${lacking === 'NO_PERMISSIONS' ? 'no permission' : lacking} on ${which}.`;
}
