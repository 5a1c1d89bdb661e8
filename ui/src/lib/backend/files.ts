// Transport shapes of the drag-and-drop and upload commands, generated from cairn-app's files.rs
// and cairn-local's add_files.rs (generated/).

import type { AppEvent } from './generated/commands';

export type { AddedArtifact, ImportProgress, UploadRequest } from './generated/commands';
export type { AddedArtifacts, ImportError, ImportSummary } from './generated/local-commands';

/** Progress of an import, pushed as the `import_progress` event. */
export type ImportProgressEvent = Extract<AppEvent, { type: 'import_progress' }>;

/** The largest file `upload_artifact` takes (cairn-app's `MAX_UPLOAD_BYTES`). */
export const MAX_UPLOAD_BYTES = 16 * 1024 * 1024;
