// Files dropped in a browser: which files a drop holds (folders read through the File and
// Directory Entries API, with their relative paths) and how each travels to `upload_artifact`.
import { MAX_UPLOAD_BYTES } from './backend/files';
import { errorText } from './resource.svelte';

/** A file to upload and its path inside the run's artifacts. */
export interface PendingUpload {
  path: string;
  file: File;
}

/** Why `path` cannot name an artifact (the same rules as cairn-app's `safe_relative`), or null. */
export function pathProblem(path: string): string | null {
  if (path.includes('\0') || path.includes('\\')) return `${path}: a file name cannot contain a backslash or a NUL — rename it and add it again`;
  if (path.startsWith('/')) return `${path}: an artifact path cannot start with /`;
  const parts = path.split('/').filter((part) => part !== '' && part !== '.');
  if (parts.includes('..')) return `${path}: an artifact path cannot contain '..'`;
  if (parts.length === 0) return 'a file needs a name';
  return null;
}

/** Why a file cannot go through the browser upload, or null. */
export function uploadProblem(path: string, size: number): string | null {
  const badName = pathProblem(path);
  if (badName !== null) return badName;
  if (size > MAX_UPLOAD_BYTES) {
    const mb = (size / 1e6).toFixed(1);
    return `${path} is ${mb} MB; uploads take up to ${MAX_UPLOAD_BYTES / (1024 * 1024)} MB per file — drop it on the run page in the desktop app, or log it with mlflow.log_artifact`;
  }
  return null;
}

/** Base64 of bytes, in chunks so large files do not overflow the call stack. */
export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) {
    binary += String.fromCharCode(...bytes.subarray(i, i + chunk));
  }
  return btoa(binary);
}

/** The minimal shape of a FileSystemEntry the reader needs (tests pass stubs). */
export interface EntryLike {
  isFile: boolean;
  isDirectory: boolean;
  name: string;
  file?(success: (file: File) => void, failure: (error: unknown) => void): void;
  createReader?(): { readEntries(success: (entries: EntryLike[]) => void, failure: (error: unknown) => void): void };
}

/** Every file under `entry`, with paths relative to the drop (`folder/sub/file.txt`). */
export async function filesOfEntry(entry: EntryLike, prefix = ''): Promise<PendingUpload[]> {
  const path = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
  if (entry.isFile && entry.file !== undefined) {
    const read = entry.file.bind(entry);
    const file = await new Promise<File>((resolve, reject) => read(resolve, reject));
    return [{ path, file }];
  }
  if (entry.isDirectory && entry.createReader !== undefined) {
    const reader = entry.createReader();
    const children: EntryLike[] = [];
    // readEntries answers in batches until it returns none.
    for (;;) {
      const batch = await new Promise<EntryLike[]>((resolve, reject) => reader.readEntries(resolve, reject));
      if (batch.length === 0) break;
      children.push(...batch);
    }
    children.sort((a, b) => a.name.localeCompare(b.name));
    const nested = await Promise.all(children.map((child) => filesOfEntry(child, path)));
    return nested.flat();
  }
  return [];
}

/** The files a drop holds: folders expanded when the browser gives entries, plain files otherwise. */
export async function filesOfDrop(transfer: DataTransfer): Promise<PendingUpload[]> {
  const entries: EntryLike[] = [];
  for (const item of Array.from(transfer.items ?? [])) {
    if (item.kind !== 'file') continue;
    const entry = typeof item.webkitGetAsEntry === 'function' ? item.webkitGetAsEntry() : null;
    if (entry !== null) entries.push(entry as unknown as EntryLike);
  }
  if (entries.length > 0) {
    const nested = await Promise.all(entries.map((entry) => filesOfEntry(entry)));
    return nested.flat();
  }
  return Array.from(transfer.files).map((file) => ({ path: file.name, file }));
}

/** Files chosen in a file input, with their paths inside the chosen folder when a folder was picked. */
export function filesOfInput(files: ArrayLike<File>): PendingUpload[] {
  // `webkitRelativePath` is '' for files picked one by one (and missing outside browsers).
  return Array.from(files, (file) => ({ path: file.webkitRelativePath || file.name, file })).sort(
    (a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0),
  );
}

/** True when a drag carries files (not text or a link being dragged around the page). */
export function dragHasFiles(transfer: DataTransfer | null): boolean {
  return transfer !== null && Array.from(transfer.types).includes('Files');
}

/** What uploading a batch did: the artifact paths written, and each failure in words. */
export interface UploadOutcome {
  added: string[];
  errors: string[];
}

/** The part of `Backend` uploads need (tests pass a stub). */
export interface UploadBackend {
  call(command: 'upload_artifact', args: { runId: string; path: string; contentBase64: string }): Promise<{ path: string }>;
}

/**
 * Uploads files one after another into a run's artifacts (under `dest` when given); files over
 * the cap are refused before reading. `onprogress` hears (done, total) after each file.
 */
export async function uploadAll(
  backend: UploadBackend,
  runId: string,
  uploads: PendingUpload[],
  dest = '',
  onprogress: (done: number, total: number) => void = () => {},
): Promise<UploadOutcome> {
  const outcome: UploadOutcome = { added: [], errors: [] };
  const prefix = dest.replace(/^\/+|\/+$/g, '');
  for (const [i, upload] of uploads.entries()) {
    const path = prefix === '' ? upload.path : `${prefix}/${upload.path}`;
    const problem = uploadProblem(path, upload.file.size);
    if (problem !== null) {
      outcome.errors.push(problem);
    } else {
      try {
        const bytes = new Uint8Array(await upload.file.arrayBuffer());
        const added = await backend.call('upload_artifact', { runId, path, contentBase64: toBase64(bytes) });
        outcome.added.push(added.path);
      } catch (thrown) {
        const message = errorText(thrown);
        outcome.errors.push(message.includes(path) ? message : `${path}: ${message}`);
      }
    }
    onprogress(i + 1, uploads.length);
  }
  return outcome;
}
