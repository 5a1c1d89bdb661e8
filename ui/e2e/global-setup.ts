// Seeds a fresh store from the real fixtures (MLflow file store and database, TensorBoard event
// files) plus `cairn demo` (provenance, a registered model), starts `cairn serve` on an
// ephemeral port with the built UI, and hands its URL to the tests.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import type { TestProject } from 'vitest/node';

import { startServer } from './server';

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
