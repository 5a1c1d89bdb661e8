// Seeds a fresh store from the real fixtures (MLflow file store and database, TensorBoard event
// files) plus `cairn demo` (provenance, a registered model), starts `cairn serve` on an
// ephemeral port with the built UI, and hands its URL to the tests.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
    storePath: string;
    cairn: string;
  }
}

const repoRoot = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');

/** The `cairn` binary of this checkout (built by scripts/test-e2e.sh). */
export function cairnBinary(): string {
  const target = process.env.CARGO_TARGET_DIR ?? path.join(repoRoot, 'target');
  return process.env.CAIRN_BIN ?? path.join(target, 'debug', 'cairn');
}

function run(cairn: string, args: string[]): void {
  const result = spawnSync(cairn, args, { encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`cairn ${args.join(' ')} failed (${result.status}):\n${result.stderr}`);
  }
}

/** Starts `cairn serve` and resolves with its URL once it says where it listens. */
function startServer(cairn: string, store: string, configDir: string): Promise<{ url: string; child: ChildProcess }> {
  const uiDir = path.join(repoRoot, 'ui', 'dist');
  const child = spawn(cairn, ['serve', '--store', store, '--port', '0', '--ui-dir', uiDir], {
    stdio: ['ignore', 'inherit', 'pipe'],
    // Settings → Store reads the remembered store: from a config folder of the test's own.
    env: { ...process.env, CAIRN_CONFIG_DIR: configDir },
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

export default async function setup(project: TestProject) {
  const cairn = cairnBinary();
  const dir = mkdtempSync(path.join(tmpdir(), 'cairn-e2e-'));
  const store = path.join(dir, 'cairn.db');
  run(cairn, ['demo', '--store', store]);
  run(cairn, ['index', '--store', store, path.join(repoRoot, 'tests', 'fixtures', 'real')]);

  const { url, child } = await startServer(cairn, store, path.join(dir, 'config'));
  project.provide('baseUrl', url);
  project.provide('storePath', store);
  project.provide('cairn', cairn);

  return async () => {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    rmSync(dir, { recursive: true, force: true });
  };
}
