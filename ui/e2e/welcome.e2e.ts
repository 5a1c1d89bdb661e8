// A new user's first screen: a `cairn serve` of its own on an empty store shows the welcome with
// three ways in. "Load demo data" fills the store and the runs table replaces the welcome;
// "Index" reads a folder of real TensorBoard runs in place and follows it; the MLflow snippet
// names the very server the page talks to. Expected runs come from the CLI.
import { execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterEach, describe, expect, it } from 'vitest';

import { cairnBinary, screenshot, useBrowser } from './harness';
import { startServer, stopServer } from './server';

const repoRoot = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const open = useBrowser();

let server: { child: ChildProcess; dir: string } | undefined;

/** A server on a new, empty store of its own. */
async function emptyServer(): Promise<{ url: string; store: string }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'cairn-e2e-empty-'));
  const store = path.join(dir, 'cairn.db');
  const { url, child } = await startServer(cairnBinary(), store, path.join(dir, 'config'));
  server = { child, dir };
  return { url, store };
}

afterEach(async () => {
  if (server === undefined) return;
  await stopServer(server.child);
  rmSync(server.dir, { recursive: true, force: true });
  server = undefined;
});

function runNames(store: string, experiment: string): string[] {
  const out = execFileSync(
    cairnBinary(),
    ['runs', 'list', '--store', store, '--json', '--experiment', experiment, '--limit', '1000'],
    { encoding: 'utf8' },
  );
  return (JSON.parse(out) as { run_name: string }[]).map((run) => run.run_name);
}

describe('an empty store', () => {
  it('welcomes with the demo one click away', async () => {
    const { url, store } = await emptyServer();
    const page = await open('#/runs', url);

    await expect.poll(() => page.getByRole('heading', { name: 'No runs yet' }).count()).toBe(1);
    // The MLflow snippet names this server.
    await expect.poll(() => page.getByText(`export MLFLOW_TRACKING_URI=${url}`).count()).toBe(1);
    await screenshot(page, 'welcome');

    await page.getByRole('button', { name: 'Load demo data' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'No runs yet' }).count(), { timeout: 20_000 }).toBe(0);
    const names = runNames(store, 'mnist-cnn');
    expect(names.length).toBeGreaterThan(0);
    await page.getByRole('button', { name: /mnist-cnn/ }).click();
    await expect.poll(() => page.getByRole('link', { name: names[0]!, exact: true }).count()).toBeGreaterThan(0);
  });

  it('indexes a folder typed into the welcome and follows it', async () => {
    const { url, store } = await emptyServer();
    const page = await open('#/runs', url);
    const folder = path.join(repoRoot, 'tests', 'fixtures', 'real', 'tensorboard');

    await page.getByLabel('Folder to index').fill(folder);
    await page.getByRole('button', { name: 'Index', exact: true }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'No runs yet' }).count(), { timeout: 20_000 }).toBe(0);

    const listed = JSON.parse(
      execFileSync(cairnBinary(), ['runs', 'list', '--store', store, '--json', '--limit', '1000'], { encoding: 'utf8' }),
    ) as { run_name: string }[];
    expect(listed.length).toBeGreaterThan(0);
    await expect.poll(() => page.getByText(listed[0]!.run_name, { exact: true }).count()).toBeGreaterThan(0);
    await screenshot(page, 'welcome-indexed');

    const settings = await open('#/settings', url);
    await expect.poll(() => settings.getByText(folder, { exact: true }).count()).toBe(1);
  });

  it('says plainly when a folder holds no runs', async () => {
    const { url } = await emptyServer();
    const page = await open('#/runs', url);
    const folder = path.join(repoRoot, 'ui', 'src');

    await page.getByLabel('Folder to index').fill(folder);
    await page.getByLabel(/Follow it/).uncheck();
    await page.getByRole('button', { name: 'Index', exact: true }).click();
    await expect
      .poll(() => page.getByRole('status').filter({ hasText: `No runs found in ${folder}` }).count(), { timeout: 20_000 })
      .toBe(1);
    await expect.poll(() => page.getByRole('heading', { name: 'No runs yet' }).count()).toBe(1);
  });
});
