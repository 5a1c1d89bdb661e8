// A new user's first screen: a `cairn serve` of its own on an empty store shows the welcome with
// three ways in. "Load demo data" fills the store and the runs table replaces the welcome; the
// MLflow snippet names the very server the page talks to. A browser may not name a folder on the
// server's machine, so instead of a folder box it shows `cairn index` and `--index-root`, and the
// server answers a page that asks to index a folder anyway with 404, reading nothing. Expected runs
// come from the CLI.
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

  it('tells a browser user how to index folders instead of asking for one', async () => {
    const { url } = await emptyServer();
    const page = await open('#/runs', url);

    await expect.poll(() => page.getByRole('heading', { name: 'Index runs you already have' }).count()).toBe(1);
    expect(await page.getByLabel('Folder to index').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Choose folder…' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Index', exact: true }).count()).toBe(0);
    expect(await page.getByTestId('index-command').textContent()).toBe('cairn index /path/to/experiments');
    const follow = (await page.getByTestId('index-root-hint').textContent())?.replace(/\s+/g, ' ');
    expect(follow).toContain('cairn serve --index-root /path/to/experiments');
  });

  it('refuses to index a folder a page names, and reads nothing from it', async () => {
    const { url, store } = await emptyServer();
    const page = await open('#/runs', url);
    const folder = path.join(repoRoot, 'tests', 'fixtures', 'real', 'tensorboard');

    const refused = await page.evaluate(async (target) => {
      const response = await fetch('/app/api/index_folder', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ path: target }),
      });
      return { status: response.status, type: response.headers.get('content-type'), body: await response.json() };
    }, folder);
    expect(refused.status).toBe(404);
    expect(refused.type).toContain('application/json');
    expect(refused.body).toMatchObject({
      error_code: 'RESOURCE_DOES_NOT_EXIST',
      kind: 'not_found',
      message: "no command 'index_folder'",
    });
    const listed = JSON.parse(
      execFileSync(cairnBinary(), ['runs', 'list', '--store', store, '--json', '--limit', '1000'], { encoding: 'utf8' }),
    ) as unknown[];
    expect(listed).toEqual([]);
  });
});
