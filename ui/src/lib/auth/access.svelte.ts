// The signed-in user's own permission on experiments or registered models, as screens need it to
// hide what they may not do (the server refuses it anyway). Loaded from the grants list; only the
// latest load counts.
import type { Permission, ResourceType } from '../backend/accounts';
import { Latest } from '../resource.svelte';
import type { SignedIn } from './auth.svelte';
import { editProblem } from './share';

export class ResourceAccess {
  /** The permission per resource id, for those loaded. */
  permissions = $state.raw<ReadonlyMap<string, Permission>>(new Map());
  /** True while signed in and the permissions are being asked for: edit controls wait. */
  pending = $state(false);
  readonly #loads = new Latest();

  constructor(
    private readonly session: () => SignedIn | null,
    private readonly type: ResourceType,
  ) {}

  /** Loads the user's permission on each of `ids` (nothing without accounts). */
  async load(ids: readonly string[]): Promise<void> {
    const seq = this.#loads.next();
    const session = this.session();
    if (session === null || ids.length === 0) {
      this.permissions = new Map();
      this.pending = false;
      return;
    }
    this.pending = true;
    const answers = await Promise.all(
      ids.map(async (id) => {
        try {
          return [id, (await session.accounts.listGrants(this.type, id)).your_permission] as const;
        } catch {
          return null;
        }
      }),
    );
    if (!this.#loads.isCurrent(seq)) return;
    this.permissions = new Map(answers.filter((answer) => answer !== null));
    this.pending = false;
  }

  /** Why the user may not change these resources, or null (see share.ts's `editProblem`). */
  editProblem(ids: readonly string[]): string | null {
    const session = this.session();
    if (session === null) return null;
    return editProblem(
      ids.map((id) => this.permissions.get(id)),
      session.user.is_admin,
      this.type,
    );
  }
}
