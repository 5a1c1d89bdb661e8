// Transport shapes of the settings and runs-view commands, generated from cairn-app's
// commands/store_info.rs and commands/runs_view.rs and cairn-local's commands/ (generated/).
import type { AppInfo } from './generated/commands';

export type { AppInfo, GroupMetric, RunGroup, RunGroups } from './generated/commands';
export type { FolderView, IndexSummary, StoreChoice } from './generated/local-commands';

/** `--store`, `CAIRN_STORE`, the remembered store, or the user's data folder. */
export type StoreOrigin = NonNullable<AppInfo['store_origin']>;
