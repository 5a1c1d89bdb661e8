// Images logged by MLflow on a run: `mlflow.log_image(image, key=, step=)` writes
// `images/<key>+step+<n>+timestamp+<ms>+<uuid>.png` and a smaller `…+compressed.webp` beside it
// (the key's `/` written as `~`; clients before 3.x used `%` as the separator and `#` for `/`).
// This module reads those names into per-key strips of steps, and picks the other image files
// of a run (`mlflow.log_figure` output) as figures.
import type { ArtifactEntry } from './backend/runpage';

/** The folder `mlflow.log_image` writes into. */
export const IMAGES_FOLDER = 'images';

/** One file name of a logged image, read. */
export interface LoggedImageName {
  /** The key as logged, `/` restored. */
  key: string;
  step: number;
  /** Epoch milliseconds. */
  timestamp: number;
  /** The uuid that tells apart images logged with the same key, step and time. */
  uuid: string;
  /** True for the smaller `+compressed.webp` copy. */
  compressed: boolean;
}

/** One image of a strip: the full-size file and its compressed copy, either may be missing. */
export interface MediaStep {
  step: number;
  timestamp: number;
  /** Path of the full-size image (`.png`), when present. */
  full: string | null;
  /** Path of the compressed copy (`.webp`), when present. */
  compressed: string | null;
}

/** All images of one key, sorted by step. */
export interface MediaKey {
  key: string;
  steps: MediaStep[];
}

const NAME = /^images\/(.+?)([+%])step\2(-?\d+)\2timestamp\2(\d+)\2([^/+%]+?)(?:\2(compressed))?\.([A-Za-z0-9]+)$/;
const IMAGE_EXTENSIONS = new Set(['png', 'webp', 'jpg', 'jpeg', 'gif', 'bmp', 'svg', 'avif']);

/** Reads the name of a file written by `mlflow.log_image`; `null` for any other file. */
export function parseLoggedImageName(path: string): LoggedImageName | null {
  const match = NAME.exec(path);
  if (match === null) return null;
  const [, rawKey, , stepText, timeText, uuid, compressed, extension] = match;
  if (!IMAGE_EXTENSIONS.has(extension!.toLowerCase())) return null;
  if (rawKey!.includes('/')) return null;
  const step = Number(stepText);
  const timestamp = Number(timeText);
  if (!Number.isSafeInteger(step) || !Number.isSafeInteger(timestamp)) return null;
  return { key: rawKey!.replace(/[~#]/g, '/'), step, timestamp, uuid: uuid!, compressed: compressed !== undefined };
}

/** The logged images of a run grouped by key (sorted), each key's steps ascending. When one
 *  step was logged more than once, the latest image of that step is kept. */
export function groupLoggedImages(entries: readonly Pick<ArtifactEntry, 'path'>[]): MediaKey[] {
  // key → uuid → step entry
  const byKey = new Map<string, Map<string, MediaStep>>();
  for (const entry of entries) {
    const name = parseLoggedImageName(entry.path);
    if (name === null) continue;
    let images = byKey.get(name.key);
    if (images === undefined) byKey.set(name.key, (images = new Map()));
    const id = `${name.step}\u0000${name.timestamp}\u0000${name.uuid}`;
    let image = images.get(id);
    if (image === undefined) {
      images.set(id, (image = { step: name.step, timestamp: name.timestamp, full: null, compressed: null }));
    }
    if (name.compressed) image.compressed = entry.path;
    else image.full = entry.path;
  }
  const keys: MediaKey[] = [];
  for (const [key, images] of byKey) {
    const latest = new Map<number, MediaStep>();
    for (const image of images.values()) {
      const seen = latest.get(image.step);
      if (seen === undefined || image.timestamp >= seen.timestamp) latest.set(image.step, image);
    }
    keys.push({ key, steps: [...latest.values()].sort((a, b) => a.step - b.step) });
  }
  return keys.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** The file a strip shows: the compressed copy when there is one. */
export function stripImage(step: MediaStep): string {
  return step.compressed ?? step.full ?? '';
}

/** The file shown when a strip's image is opened: the full-size one when there is one. */
export function fullImage(step: MediaStep): string {
  return step.full ?? step.compressed ?? '';
}

/** The index of the step in `steps` closest to `step` (the first on a tie); -1 when empty. */
export function nearestStepIndex(steps: readonly MediaStep[], step: number): number {
  let best = -1;
  for (let i = 0; i < steps.length; i++) {
    if (best === -1 || Math.abs(steps[i]!.step - step) < Math.abs(steps[best]!.step - step)) best = i;
  }
  return best;
}

/** Image files of a run outside `images/` (what `mlflow.log_figure` writes, or any picture
 *  the run saved), sorted by path. */
export function figureFiles<T extends Pick<ArtifactEntry, 'path' | 'kind' | 'present'>>(entries: readonly T[]): T[] {
  return entries
    .filter((entry) => entry.kind === 'image' && entry.present && !entry.path.startsWith(`${IMAGES_FOLDER}/`))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** The tag `mlflow.log_image` sets on a run: only runs with it are searched for images. */
export const LOGGED_IMAGES_TAG = 'mlflow.loggedImages';

/** The keys logged by any of several runs, sorted, each once. */
export function keysAcrossRuns(perRun: readonly (readonly MediaKey[])[]): string[] {
  return [...new Set(perRun.flatMap((keys) => keys.map((item) => item.key)))].sort();
}

/** The steps of one key across several runs (a run without the key counts as none), ascending,
 *  each once: what a shared slider moves over. */
export function stepsAcrossRuns(strips: readonly (MediaKey | undefined)[]): number[] {
  const steps = new Set<number>();
  for (const strip of strips) for (const item of strip?.steps ?? []) steps.add(item.step);
  return [...steps].sort((a, b) => a - b);
}

/** A run's image for a shared slider at `step`: its image at that step, or else at the nearest
 *  step it logged (said by `exact: false`); `null` when it has no image of the key. */
export function imageAtStep(strip: MediaKey | undefined, step: number): { image: MediaStep; exact: boolean } | null {
  if (strip === undefined) return null;
  const index = nearestStepIndex(strip.steps, step);
  if (index < 0) return null;
  const image = strip.steps[index]!;
  return { image, exact: image.step === step };
}
