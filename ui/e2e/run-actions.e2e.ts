// Acting on runs in Chromium, checked where the change is stored: runs logged by the real
// `mlflow` client are renamed, tagged and described on the run page (then read back through the
// CLI's `cairn runs show --json` and through `MlflowClient().get_run`), a model is registered from
// an artifact folder holding an MLmodel (`MlflowClient().get_model_version` sees the version), and
// runs selected in the table are deleted, then restored from the deleted runs. The file has a
// `cairn serve` and a store of its own, so its writes never refresh the tables other files are
// looking at.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { cairnBinary, screenshot, useBrowser, useOwnServer } from './harness';

const repoRoot = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
/** The repo's Python with mlflow (scripts/mlflow-venv.sh makes it); CAIRN_PYTHON overrides. */
const python = process.env.CAIRN_PYTHON ?? path.join(repoRoot, '.venv', 'bin', 'python');
const EXPERIMENT = 'e2e-run-actions';

/** Runs `code` with the real mlflow client against the e2e server; its last stdout line as JSON. */
function mlflow<T>(code: string, ...args: string[]): T {
  const out = execFileSync(python, ['-c', code, ...args], {
    encoding: 'utf8',
    env: { ...process.env, MLFLOW_TRACKING_URI: server.url, GIT_PYTHON_REFRESH: 'quiet' },
  });
  return JSON.parse(out.trim().split('\n').pop()!) as T;
}

const SEED = `
import json, os, sys, tempfile
from mlflow import MlflowClient
c = MlflowClient()
experiment = c.create_experiment(sys.argv[1])
ids = []
for i in range(3):
    run = c.create_run(experiment, run_name=f"act-{i}")
    c.log_param(run.info.run_id, "i", str(i))
    c.set_terminated(run.info.run_id)
    ids.append(run.info.run_id)
folder = tempfile.mkdtemp()
with open(os.path.join(folder, "MLmodel"), "w") as f:
    f.write("artifact_path: model\\nflavors:\\n  python_function:\\n    loader_module: mlflow.sklearn\\n")
with open(os.path.join(folder, "model.pkl"), "wb") as f:
    f.write(b"weights")
c.log_artifacts(ids[0], folder, "model")
print(json.dumps(ids))
`;

const GET_RUN = `
import json, sys
from mlflow import MlflowClient
run = MlflowClient().get_run(sys.argv[1])
print(json.dumps({"name": run.info.run_name, "stage": run.info.lifecycle_stage, "tags": run.data.tags}))
`;

const GET_VERSION = `
import json, sys
from mlflow import MlflowClient
v = MlflowClient().get_model_version(sys.argv[1], sys.argv[2])
print(json.dumps({"source": v.source, "run_id": v.run_id, "version": v.version}))
`;

interface MlflowRun {
  name: string;
  stage: string;
  tags: Record<string, string>;
}

function cliShow(runId: string): { run_name: string; tags: Record<string, string> } {
  const out = execFileSync(cairnBinary(), ['runs', 'show', runId, '--store', server.store, '--json'], { encoding: 'utf8' });
  return JSON.parse(out) as { run_name: string; tags: Record<string, string> };
}

const browse = useBrowser();
let runs: string[] = [];
const server = useOwnServer('actions');

/** A page of this file's server. */
function open(hash: string): Promise<Page> {
  return browse(hash, server.url);
}

beforeAll(async () => {
  runs = mlflow<string[]>(SEED, EXPERIMENT);
});

async function views(page: Page, name: string): Promise<void> {
  for (const width of [900, 1400]) {
    for (const theme of ['light', 'dark']) {
      await page.setViewportSize({ width, height: 900 });
      await page.evaluate((next) => (document.documentElement.dataset.theme = next), theme);
      await screenshot(page, `${name}-${width}-${theme}`);
    }
  }
}

describe('acting on runs', () => {
  it('renames, tags and describes a run, stored for the CLI and the mlflow client', async () => {
    const runId = runs[1]!;
    const page = await open(`#/runs/${runId}`);
    await page.getByRole('button', { name: 'Rename' }).click();
    const name = page.getByLabel('Run name');
    await name.fill('adamw-long');
    await name.press('Enter');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('adamw-long');

    await page.getByLabel('Tag key').fill('team');
    await page.getByLabel('Tag value').fill('vision');
    await page.getByRole('button', { name: 'Add tag' }).click();
    const tags = page.getByRole('table', { name: 'Tags', exact: true });
    await expect.poll(() => tags.getByRole('row').first().textContent()).toContain('vision');
    await page.getByLabel('Tag key').fill('bad key?');
    await page.getByRole('button', { name: 'Add tag' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain("'bad key?'");

    const description = '# Baseline\n\nAdamW, **40 epochs**. [paper](https://example.com/p)\n\n<img src=x onerror="window.__injected = 1">';
    await page.getByRole('button', { name: 'Add a description' }).click();
    await page.getByRole('textbox', { name: 'Description' }).fill(description);
    await page.getByRole('textbox', { name: 'Description' }).press('Control+Enter');
    // Shown as Markdown; raw HTML in it is shown as text, never run.
    const shown = page.getByTestId('run-description');
    await expect.poll(() => shown.locator('h1').textContent()).toBe('Baseline');
    expect(await shown.locator('strong').textContent()).toBe('40 epochs');
    expect(await shown.getByRole('link', { name: 'paper' }).getAttribute('href')).toBe('https://example.com/p');
    expect(await shown.locator('img, script').count()).toBe(0);
    expect(await shown.textContent()).toContain('<img src=x onerror="window.__injected = 1">');
    expect(await page.evaluate(() => (window as { __injected?: number }).__injected)).toBeUndefined();
    // The description is not listed again among the tags set by tools.
    await page.getByRole('button', { name: /tags set by MLflow and Cairn/ }).click();
    expect(await page.getByRole('table', { name: 'System tags' }).textContent()).not.toContain('mlflow.note.content');
    await views(page, 'run-actions-page');

    const cli = cliShow(runId);
    expect(cli.run_name).toBe('adamw-long');
    expect(cli.tags).toMatchObject({ team: 'vision', 'mlflow.note.content': description });
    const client = mlflow<MlflowRun>(GET_RUN, runId);
    expect(client.name).toBe('adamw-long');
    expect(client.tags).toMatchObject({ team: 'vision', 'mlflow.note.content': description });

    await tags.getByRole('button', { name: 'Remove tag team' }).click();
    await expect.poll(() => page.getByText('No tags of its own.').count()).toBe(1);
    expect(mlflow<MlflowRun>(GET_RUN, runId).tags).not.toHaveProperty('team');
  });

  it('registers a model from the artifact folder holding its MLmodel', async () => {
    const runId = runs[0]!;
    const page = await open(`#/runs/${runId}`);
    await page.getByRole('button', { name: 'Register model…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Register model' });
    expect(await dialog.getByLabel('Model folder').inputValue()).toBe('model');
    await dialog.getByLabel('Registered model').fill('e2e-actions-model');
    await dialog.getByRole('button', { name: 'Register', exact: true }).click();
    await expect.poll(() => dialog.getByRole('status').textContent()).toContain('e2e-actions-model version 1');
    await screenshot(page, 'run-actions-register');
    await dialog.getByRole('button', { name: 'Done' }).click();
    // The run page's registry section lists the new version without a reload.
    const versions = page.getByRole('table', { name: 'Registry versions' });
    await expect.poll(() => versions.textContent()).toContain('e2e-actions-model');

    const version = mlflow<{ source: string; run_id: string; version: string }>(GET_VERSION, 'e2e-actions-model', '1');
    expect(version).toEqual({ source: `runs:/${runId}/model`, run_id: runId, version: '1' });
  });

  it('deletes the selected runs after a confirmation and restores them from the deleted runs', async () => {
    const page = await open('#/runs');
    await page.getByRole('button', { name: new RegExp(`^${EXPERIMENT}\\b`) }).first().click();
    const rows = page.locator('[role=table] .row[data-run-id]');
    await expect.poll(() => rows.count()).toBe(3);
    const chosen = [runs[1]!, runs[2]!];
    for (const id of chosen) await page.locator(`[role=table] .row[data-run-id="${id}"]`).getByRole('checkbox').check();
    const actions = page.getByRole('toolbar', { name: 'Actions on runs' });
    await actions.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete 2 runs' }).click();
    await expect.poll(() => rows.count()).toBe(1);
    expect(chosen.map((id) => mlflow<MlflowRun>(GET_RUN, id).stage)).toEqual(['deleted', 'deleted']);

    await actions.getByRole('button', { name: 'Deleted runs' }).click();
    await expect.poll(() => rows.count()).toBe(2);
    for (const id of chosen) await page.locator(`[role=table] .row[data-run-id="${id}"]`).getByRole('checkbox').check();
    await views(page, 'run-actions-deleted');
    await actions.getByRole('button', { name: 'Restore', exact: true }).click();
    await expect.poll(() => rows.count()).toBe(0);
    expect(chosen.map((id) => mlflow<MlflowRun>(GET_RUN, id).stage)).toEqual(['active', 'active']);
    await actions.getByRole('button', { name: '← Active runs' }).click();
    await expect.poll(() => rows.count()).toBe(3);
  });
});
