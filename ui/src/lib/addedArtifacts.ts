// Files added to a run from outside its page — dropped on the window (DropOverlay) — announced to
// the run page, so it ends as the "Add files…" button does: the listing reloaded and the first new
// file selected and previewed.

/** Files just added to a run, as paths relative to its artifact root. */
export interface ArtifactsAdded {
  runId: string;
  paths: string[];
}

type Listener = (added: ArtifactsAdded) => void;

/** Who hears announcements; one set per page, made by `createAnnouncer` (tests make their own). */
export interface Announcer {
  announce(added: ArtifactsAdded): void;
  listen(listener: Listener): () => void;
}

export function createAnnouncer(): Announcer {
  const listeners = new Set<Listener>();
  return {
    announce(added) {
      if (added.paths.length === 0) return;
      for (const listener of [...listeners]) listener(added);
    },
    listen(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** The page's announcer: DropOverlay announces, the run page listens. */
export const artifactsAdded = createAnnouncer();

/** The file a run page shows after an addition: the first new one, if it was added to that run. */
export function fileToSelect(added: ArtifactsAdded, runId: string): string | null {
  return added.runId === runId ? (added.paths[0] ?? null) : null;
}
