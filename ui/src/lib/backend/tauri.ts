// The Backend inside the desktop app: Tauri commands in src-tauri/src/main.rs. This is the only
// file that imports `@tauri-apps`.
import { invoke } from '@tauri-apps/api/core';

import {
  toBackendError,
  type Backend,
  type CommandName,
  type Commands,
  type ExperimentView,
  type ListRunsRequest,
  type RunsPage,
} from './backend';

export class TauriBackend implements Backend {
  listExperiments(): Promise<ExperimentView[]> {
    return call('list_experiments', {});
  }

  listRuns(request: ListRunsRequest): Promise<RunsPage> {
    return call('list_runs', { request });
  }
}

async function call<C extends CommandName>(
  command: C,
  args: Commands[C]['args'],
): Promise<Commands[C]['result']> {
  try {
    return await invoke<Commands[C]['result']>(command, args);
  } catch (thrown) {
    throw toBackendError(thrown);
  }
}
