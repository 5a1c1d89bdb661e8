// What only the desktop app can do: the commands that name a path on this machine (copy a dropped
// file into a run, index or watch a folder, reveal a file, switch stores) and the window's native
// drops, system choosers and relaunch. `cairn serve` has none of them (it answers these commands
// 404), so a browser's `Backend` has no `local` at all and the UI offers none of this there.
// The commands and their types are generated from cairn-local's table (generated/local-commands.ts).
import type { LocalCommands } from './generated/local-commands';

export type { LocalCommands } from './generated/local-commands';
export type LocalCommandName = keyof LocalCommands;
export type LocalCommandArgs<C extends LocalCommandName> = LocalCommands[C]['args'];
export type LocalCommandResult<C extends LocalCommandName> = LocalCommands[C]['result'];

/** Files dragged over or dropped on the desktop window, as local paths. */
export type FileDropEvent = { type: 'enter'; paths: string[] } | { type: 'leave' } | { type: 'drop'; paths: string[] };

/** The desktop app's own capabilities, beside the store's commands every caller has. */
export interface LocalShell {
  /** Runs one local command; rejects with a `BackendError`. */
  call<C extends LocalCommandName>(command: C, args: LocalCommandArgs<C>): Promise<LocalCommandResult<C>>;
  /** The window's native file drops, with local paths, until the returned function is called. */
  onFileDrop(listener: (event: FileDropEvent) => void): () => void;
  /**
   * Asks for a local folder with the system's folder chooser, titled `title`; resolves with its
   * path, or null when the user cancels.
   */
  chooseFolder(title: string): Promise<string | null>;
  /**
   * Asks for an existing store's database file (`*.db`) with the system's file chooser; resolves
   * with its path, or null when the user cancels.
   */
  chooseStoreFile(title: string): Promise<string | null>;
  /**
   * Asks where to create a new store with the system's save dialog; resolves with the database
   * file's path, or null when the user cancels.
   */
  chooseNewStore(title: string): Promise<string | null>;
  /** Starts the app again on the store remembered by `use_store`, and closes this window. */
  reopen(): Promise<void>;
}
