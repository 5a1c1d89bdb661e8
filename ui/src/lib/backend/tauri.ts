// The Backend inside the desktop app. The store's commands and the desktop app's own (`local`:
// host paths, watched folders, "open in folder", store choice) all go through the shell's one
// `call` command (src-tauri/src/main.rs); events arrive as the Tauri event `cairn://event`;
// folders and stores are chosen with the dialog plugin's system choosers, and the shell's `reopen`
// command starts the app again on another store. This is the only file that imports
// `@tauri-apps`. Events, the webview's drops and the dialogs load their part of `@tauri-apps` when
// first used, so that a browser (which never uses them) does not download and parse it with the
// app.
import { invoke } from '@tauri-apps/api/core';

import {
  toBackendError,
  type AppEvent,
  type Backend,
  type CommandArgs,
  type CommandName,
  type CommandResult,
} from './backend';
import type { FileDropEvent, LocalCommandArgs, LocalCommandName, LocalCommandResult, LocalShell } from './local';

/** The Tauri event the shell emits each backend event as. */
export const EVENT_NAME = 'cairn://event';

export class TauriBackend implements Backend {
  readonly local: LocalShell = new TauriLocalShell();

  call<C extends CommandName>(command: C, args: CommandArgs<C>): Promise<CommandResult<C>> {
    return callShell(command, args);
  }

  subscribe(listener: (event: AppEvent) => void): () => void {
    // Without the event plugin the UI still works; it just is not told of changes.
    return listenLazily(() =>
      import('@tauri-apps/api/event').then(({ listen }) =>
        listen<AppEvent>(EVENT_NAME, (event) => listener(event.payload)),
      ),
    );
  }
}

/** What the desktop app may do beyond the store: host paths, native drops, choosers, relaunch. */
class TauriLocalShell implements LocalShell {
  call<C extends LocalCommandName>(command: C, args: LocalCommandArgs<C>): Promise<LocalCommandResult<C>> {
    return callShell(command, args);
  }

  chooseFolder(title: string): Promise<string | null> {
    return chosenPath(async () => {
      const { open } = await import('@tauri-apps/plugin-dialog');
      return open({ directory: true, multiple: false, title });
    });
  }

  chooseStoreFile(title: string): Promise<string | null> {
    return chosenPath(async () => {
      const { open } = await import('@tauri-apps/plugin-dialog');
      return open({ directory: false, multiple: false, title, filters: [STORE_FILTER] });
    });
  }

  chooseNewStore(title: string): Promise<string | null> {
    return chosenPath(async () => {
      const { save } = await import('@tauri-apps/plugin-dialog');
      return save({ title, defaultPath: 'cairn.db', filters: [STORE_FILTER] });
    });
  }

  async reopen(): Promise<void> {
    try {
      await invoke('reopen');
    } catch (thrown) {
      throw toBackendError(thrown);
    }
  }

  onFileDrop(listener: (event: FileDropEvent) => void): () => void {
    // Without the webview's event permissions the window takes no drops; uploads still work.
    return listenLazily(() =>
      import('@tauri-apps/api/webview').then(({ getCurrentWebview }) =>
        getCurrentWebview().onDragDropEvent(({ payload }) => {
          if (payload.type === 'enter') listener({ type: 'enter', paths: payload.paths });
          else if (payload.type === 'drop') listener({ type: 'drop', paths: payload.paths });
          else if (payload.type === 'leave') listener({ type: 'leave' });
        }),
      ),
    );
  }
}

/** Runs one command through the shell's `call`, rejecting with a `BackendError`. */
async function callShell<R>(command: string, args: unknown): Promise<R> {
  try {
    return await invoke<R>('call', { command, args });
  } catch (thrown) {
    throw toBackendError(thrown);
  }
}

/** The file filter of the store choosers. */
const STORE_FILTER = { name: 'Cairn store', extensions: ['db'] };

/**
 * Starts a Tauri listener whose module loads on first use; returns the function that stops it,
 * even before it has started. A listener that cannot start is left off.
 */
function listenLazily(start: () => Promise<() => void>): () => void {
  let stopped = false;
  let unlisten: (() => void) | undefined;
  start()
    .then((stop) => {
      if (stopped) stop();
      else unlisten = stop;
    })
    .catch(() => {});
  return () => {
    stopped = true;
    unlisten?.();
  };
}

/** What a system chooser answered: the chosen path, or null when the user cancelled. */
async function chosenPath(ask: () => Promise<unknown>): Promise<string | null> {
  try {
    const chosen = await ask();
    return typeof chosen === 'string' ? chosen : null;
  } catch (thrown) {
    throw toBackendError(thrown);
  }
}
