// Downloads from a run's artifacts in a browser: the chosen file with the artifact's exact
// bytes, a folder and the whole run as zips holding every file with its bytes. (The desktop app
// opens the folder in the file manager instead; a browser cannot.) On a server and store of
// its own, so its new runs never reach the views other files watch.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';

import { screenshot, useBrowser, useOwnServer } from './harness';

const browse = useBrowser();
const server = useOwnServer('downloads');

function baseUrl(): string {
  return server.url;
}

function open(hash: string): Promise<Page> {
  return browse(hash, server.url);
}

async function api(route: string, body: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${baseUrl()}/api/2.0/mlflow/${route}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.status, route).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

/** A new run in the default experiment holding `files` (path → bytes) as artifacts. */
async function runWithFiles(files: Record<string, Buffer>): Promise<string> {
  const created = (await api('runs/create', { experiment_id: '0', run_name: `e2e-downloads-${Date.now()}` })) as {
    run: { info: { run_id: string; artifact_uri: string } };
  };
  const folder = created.run.info.artifact_uri.replace('mlflow-artifacts:/', '');
  for (const [name, bytes] of Object.entries(files)) {
    const response = await fetch(`${baseUrl()}/api/2.0/mlflow-artifacts/artifacts/${folder}/${name}`, {
      method: 'PUT',
      body: new Uint8Array(bytes),
    });
    expect(response.status, name).toBe(200);
  }
  return created.run.info.run_id;
}

/** The file a click on `testId` downloads, as bytes, and the name the browser was given. */
async function download(page: Page, testId: string, nth = 0): Promise<{ name: string; bytes: Buffer }> {
  const [started] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).nth(nth).click()]);
  const saved = await started.path();
  return { name: started.suggestedFilename(), bytes: readFileSync(saved) };
}

/** The entries of a zip, name → bytes (base64), read with Python's zipfile. */
function unzip(bytes: Buffer): Record<string, string> {
  const out = execFileSync(
    'python3',
    [
      '-c',
      'import base64, io, json, sys, zipfile; z = zipfile.ZipFile(io.BytesIO(sys.stdin.buffer.read())); ' +
        'print(json.dumps({n: base64.b64encode(z.read(n)).decode() for n in z.namelist()}))',
    ],
    { input: bytes, encoding: 'utf8' },
  );
  return JSON.parse(out) as Record<string, string>;
}

describe('downloading artifacts in a browser', () => {
  it('downloads the chosen file, a folder and the whole run with their exact bytes', async () => {
    const files = {
      'metrics.json': Buffer.from('{"accuracy": 0.91}\n'),
      'model/MLmodel': Buffer.from('flavors:\n  sklearn: {}\n'),
      'model/weights.bin': Buffer.from(Array.from({ length: 700 }, (_, i) => i % 256)),
    };
    const runId = await runWithFiles(files);
    const page = await open(`#/runs/${runId}`);
    const artifacts = page.locator('#section-artifacts');
    await artifacts.getByTestId('download-all').waitFor();
    await artifacts.getByRole('button', { name: /metrics\.json/ }).click();
    await screenshot(page, 'downloads-run-page');
    await page.setViewportSize({ width: 900, height: 900 });
    await page.evaluate(() => (document.documentElement.dataset.theme = 'dark'));
    await artifacts.getByRole('treeitem').first().hover();
    await screenshot(page, 'downloads-run-page-900-dark');
    await page.setViewportSize({ width: 1400, height: 900 });

    const file = await download(page, 'download-file');
    expect(file.name).toBe('metrics.json');
    expect(file.bytes.equals(files['metrics.json'])).toBe(true);

    const folder = await download(page, 'download-folder');
    expect(folder.name).toBe('model.zip');
    expect(unzip(folder.bytes)).toEqual({
      MLmodel: files['model/MLmodel'].toString('base64'),
      'weights.bin': files['model/weights.bin'].toString('base64'),
    });

    const all = await download(page, 'download-all');
    expect(all.name.endsWith('.zip')).toBe(true);
    const entries = unzip(all.bytes);
    for (const [name, bytes] of Object.entries(files)) expect(entries[name], name).toBe(bytes.toString('base64'));
  });
});
