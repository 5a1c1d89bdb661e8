// Artifact listings and previews on the run page: the folder tree of a run's files, sizes,
// pretty JSON, and the split between a run's own tags and the ones tools set.
import type { ArtifactEntry } from './backend/runpage';
import { DESCRIPTION_TAG } from './runEdits';

/** A folder of the artifact tree, with its subfolders and files sorted by name. */
export interface ArtifactFolder {
  name: string;
  /** Path from the run's artifact root, '' for the root. */
  path: string;
  folders: ArtifactFolder[];
  files: ArtifactEntry[];
  /** Files below it, at any depth. */
  fileCount: number;
  /** Bytes below it, at any depth. */
  sizeBytes: number;
}

/** The folder tree of a run's files (paths are `/`-separated). */
export function buildArtifactTree(entries: readonly ArtifactEntry[]): ArtifactFolder {
  const root: ArtifactFolder = { name: '', path: '', folders: [], files: [], fileCount: 0, sizeBytes: 0 };
  for (const entry of entries) {
    const parts = entry.path.split('/').filter((part) => part !== '');
    let folder = root;
    folder.fileCount++;
    folder.sizeBytes += entry.size_bytes;
    for (const part of parts.slice(0, -1)) {
      let next = folder.folders.find((f) => f.name === part);
      if (next === undefined) {
        next = {
          name: part,
          path: folder.path === '' ? part : `${folder.path}/${part}`,
          folders: [],
          files: [],
          fileCount: 0,
          sizeBytes: 0,
        };
        folder.folders.push(next);
      }
      folder = next;
      folder.fileCount++;
      folder.sizeBytes += entry.size_bytes;
    }
    folder.files.push(entry);
  }
  sortTree(root);
  return root;
}

function sortTree(folder: ArtifactFolder): void {
  folder.folders.sort((a, b) => compareNames(a.name, b.name));
  folder.files.sort((a, b) => compareNames(a.path, b.path));
  for (const child of folder.folders) sortTree(child);
}

function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The last part of a `/`-separated path. */
export function baseName(path: string): string {
  const parts = path.split('/');
  return parts[parts.length - 1] ?? path;
}

/** The folders holding a `/`-separated path, outermost first: `a/b/c.txt` → `a`, `a/b`. */
export function ancestorFolders(path: string): string[] {
  const parts = path.split('/').filter((part) => part !== '');
  return parts.slice(0, -1).map((_, i) => parts.slice(0, i + 1).join('/'));
}

/** A size in bytes as `0 B`, `512 B`, `1.5 KB`, `12 MB`, `3.1 GB` (powers of 1024). */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—';
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB', 'PB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = value < 10 ? 1 : 0;
  return `${value.toFixed(digits).replace(/\.0$/, '')} ${units[unit]}`;
}

/** JSON text indented for reading; text that is not valid JSON comes back as it was. */
export function prettyJson(text: string): { text: string; valid: boolean } {
  try {
    return { text: JSON.stringify(JSON.parse(text), null, 2), valid: true };
  } catch {
    return { text, valid: false };
  }
}

/** Tag prefixes that tools set (MLflow, Cairn), shown apart from the user's own tags. */
const SYSTEM_TAG_PREFIXES = ['mlflow.', 'cairn.'];

/** A run's tags split into the user's and the tools', each sorted by key; the description
 *  (`mlflow.note.content`) is in neither: the run page shows it on its own. */
export function splitTags(tags: Record<string, string>): { user: [string, string][]; system: [string, string][] } {
  const user: [string, string][] = [];
  const system: [string, string][] = [];
  for (const key of Object.keys(tags).sort()) {
    if (key === DESCRIPTION_TAG) continue;
    const pair: [string, string] = [key, tags[key]!];
    (SYSTEM_TAG_PREFIXES.some((prefix) => key.startsWith(prefix)) ? system : user).push(pair);
  }
  return { user, system };
}

/** Where a browser downloads one artifact file: MLflow's `/get-artifact`, served as an attachment. */
export function fileDownloadUrl(runId: string, path: string): string {
  return `/get-artifact?${new URLSearchParams({ run_uuid: runId, path })}`;
}

/** Where a browser downloads a folder of a run's artifacts (`''`: all of them) as one zip. */
export function folderZipUrl(runId: string, folder: string): string {
  const query = new URLSearchParams({ run_id: runId });
  if (folder !== '') query.set('path', folder);
  return `/app/artifacts.zip?${query}`;
}
