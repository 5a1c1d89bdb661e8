// Picks the Backend for where the UI runs: Tauri's IPC inside the desktop app, HTTP otherwise.
import type { Backend } from './backend';
import { HttpBackend } from './http';
import { TauriBackend } from './tauri';

export * from './backend';
export type * from './runpage';
export type * from './charts';
export type * from './demo';
export type * from './settings';
export * from './files';
export type * from './local';
export type * from './registry';
export type * from './monitoring';
export type * from './accounts';

/** True inside the desktop app, where Tauri injects `__TAURI_INTERNALS__` before the page loads. */
export function isTauri(scope: object | undefined = globalThis): boolean {
  return scope !== undefined && '__TAURI_INTERNALS__' in scope;
}

export function createBackend(scope: object | undefined = globalThis): Backend {
  return isTauri(scope) ? new TauriBackend() : new HttpBackend();
}
