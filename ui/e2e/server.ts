// Starting a `cairn serve` of this checkout on a store, on an ephemeral port with the built UI:
// the suite's seeded server (global-setup.ts) and the servers of tests that need a store of
// their own (an empty one, say).
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');

/**
 * Starts `cairn serve` on `store`, with `configDir` as its settings folder (never the user's), and
 * resolves with its URL once it says where it listens. `extraArgs` go after the usual ones (e.g.
 * `--auth users`).
 */
export function startServer(
  cairn: string,
  store: string,
  configDir: string,
  extraArgs: readonly string[] = [],
): Promise<{ url: string; child: ChildProcess }> {
  return startServerOn(cairn, ['--store', store], configDir, extraArgs);
}

/**
 * Starts `cairn serve STORE_ARGS` (`--store FILE`, or `--database URL --artifacts s3://...` for
 * a team server) as [`startServer`] does, with `env` added to this process's environment.
 */
export function startServerOn(
  cairn: string,
  storeArgs: readonly string[],
  configDir: string,
  extraArgs: readonly string[] = [],
  env: Record<string, string> = {},
): Promise<{ url: string; child: ChildProcess }> {
  const uiDir = path.join(repoRoot, 'ui', 'dist');
  const child = spawn(cairn, ['serve', ...storeArgs, '--port', '0', '--ui-dir', uiDir, ...extraArgs], {
    stdio: ['ignore', 'inherit', 'pipe'],
    // Settings → Store reads the remembered store: from a config folder of the test's own.
    env: { ...process.env, ...env, CAIRN_CONFIG_DIR: configDir },
  });
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`cairn serve did not start:\n${seen}`)), 30_000);
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      seen += chunk;
      // Wait for the character after the URL: stderr may arrive split in the middle of it.
      const match = /listening on (http:\/\/[^\s)]+)[\s)]/.exec(seen);
      if (match !== null) {
        clearTimeout(timer);
        resolve({ url: match[1]!, child });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`cairn serve exited with ${code}:\n${seen}`));
    });
  });
}

/** Stops a server started by `startServer` and waits for it to exit. */
export async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}
