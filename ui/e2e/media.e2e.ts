// Media and tables logged by the real `mlflow` client, on the run page in Chromium: two images at
// steps 0 and 5 under one key (`mlflow.log_image`), a table (`mlflow.log_table`) and a figure
// (`mlflow.log_figure`). The Media strip shows the compressed copy and moves between the steps
// with the keyboard, the full-size image opens on click, the table sorts numbers numerically and
// the figure is a thumbnail in the overview. The compare view shows the key of both runs side by
// side at one slider over the steps either logged. The file has a `cairn serve` and a store of its own.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { screenshot, useBrowser, useOwnServer } from './harness';

const repoRoot = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
/** The repo's Python with mlflow (scripts/mlflow-venv.sh makes it); CAIRN_PYTHON overrides. */
const python = process.env.CAIRN_PYTHON ?? path.join(repoRoot, '.venv', 'bin', 'python');

const LOG = `
import json, sys
import numpy as np
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import mlflow
mlflow.set_experiment(sys.argv[1])
with mlflow.start_run(run_name="media") as run:
    for step, colour in ((0, (200, 40, 40)), (5, (40, 90, 210))):
        image = np.zeros((48, 64, 3), dtype=np.uint8)
        image[:, :] = colour
        mlflow.log_image(image, key="samples/val", step=step)
    mlflow.log_table({"name": ["b", "a", "c"], "score": [10, 9, 100]}, artifact_file="eval/scores.json")
    figure, axes = plt.subplots(figsize=(3, 2))
    axes.plot([0, 1, 2], [1, 0, 2])
    mlflow.log_figure(figure, "plot.png")
with mlflow.start_run(run_name="media-b") as other:
    for step in (0, 10):
        mlflow.log_image(np.full((48, 64, 3), 120, dtype=np.uint8), key="samples/val", step=step)
print(json.dumps([run.info.run_id, other.info.run_id]))
`;

const browse = useBrowser();
const server = useOwnServer('media');
let runId = '';
let otherId = '';

beforeAll(async () => {
  const out = execFileSync(python, ['-c', LOG, 'e2e-media'], {
    encoding: 'utf8',
    env: { ...process.env, MLFLOW_TRACKING_URI: server.url, GIT_PYTHON_REFRESH: 'quiet' },
  });
  [runId, otherId] = JSON.parse(out.trim().split('\n').pop()!) as [string, string];
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

describe('media logged by mlflow', () => {
  it('shows images per step, a sortable table and the figure', async () => {
    const page = await browse(`#/runs/${runId}`, server.url);

    // Media: one strip for the key, at its last step, showing the compressed copy.
    const strip = page.getByRole('figure', { name: 'Images of samples/val' });
    await strip.waitFor();
    const step = strip.getByTestId('media-step');
    await expect.poll(() => step.textContent()).toBe('Step 5');
    const image = strip.locator('img');
    await expect.poll(() => image.getAttribute('src')).toMatch(/^data:image\/webp;base64,/);
    const slider = strip.getByRole('slider', { name: 'Step of samples/val' });
    await slider.focus();
    await page.keyboard.press('Home');
    await expect.poll(() => step.textContent()).toBe('Step 0');
    await expect.poll(() => image.getAttribute('alt')).toBe('samples/val at step 0');
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => step.textContent()).toBe('Step 5');
    expect(await slider.getAttribute('aria-valuetext')).toBe('Step 5');
    await expect.poll(() => image.getAttribute('alt')).toBe('samples/val at step 5');

    // A click opens the full-size PNG.
    await strip.getByRole('button', { name: 'Open the full-size image' }).click();
    const dialog = page.getByRole('dialog');
    const full = dialog.locator('img');
    await expect.poll(() => full.getAttribute('src')).toMatch(/^data:image\/png;base64,/);
    await dialog.getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'detached' });

    // Tables: the logged table, sorted by a header click, numbers numerically.
    const table = page.getByRole('table', { name: 'Table eval/scores.json' }).first();
    await table.waitFor();
    const scores = () => table.locator('tbody tr td:nth-child(3)').allTextContents();
    expect(await scores()).toEqual(['10', '9', '100']);
    await table.getByRole('button', { name: 'score' }).click();
    await expect.poll(scores).toEqual(['9', '10', '100']);
    await table.getByRole('button', { name: /score/ }).click();
    await expect.poll(scores).toEqual(['100', '10', '9']);
    expect(await table.locator('th[aria-sort="descending"]').textContent()).toContain('score');

    // Figures: the log_figure output as a thumbnail in the overview.
    const figure = page.getByRole('list', { name: 'Figures' }).getByRole('button', { name: /plot\.png/ });
    await expect.poll(() => figure.locator('img').getAttribute('src')).toMatch(/^data:image\/png;base64,/);

    await page.evaluate(() => document.querySelector('.page')?.scrollTo(0, 0));
    await views(page, 'media-run-page');
    await page.locator('#section-media').scrollIntoViewIfNeeded();
    await views(page, 'media-strips');
  });

  it('compares a key across runs at one step slider', async () => {
    const page = await browse(`#/compare?runs=${runId},${otherId}`, server.url);
    const group = page.getByRole('group', { name: 'Images of samples/val across runs' });
    await group.waitFor();
    const step = group.getByTestId('compare-media-step');
    // The shared slider runs over steps 0, 5 and 10 and starts at the last.
    await expect.poll(() => step.textContent()).toBe('Step 10');
    const images = group.locator('img');
    await expect.poll(() => images.evaluateAll((all) => all.map((img) => img.getAttribute('alt')))).toEqual([
      'samples/val of media at step 5',
      'samples/val of media-b at step 10',
    ]);
    expect(await group.getByText('nearest: step 5').count()).toBe(1);
    const slider = group.getByRole('slider', { name: 'Step of samples/val across runs' });
    await slider.focus();
    await page.keyboard.press('Home');
    await expect.poll(() => step.textContent()).toBe('Step 0');
    await expect.poll(() => images.evaluateAll((all) => all.map((img) => img.getAttribute('alt')))).toEqual([
      'samples/val of media at step 0',
      'samples/val of media-b at step 0',
    ]);
    expect(await group.getByText(/nearest/).count()).toBe(0);
    await group.scrollIntoViewIfNeeded();
    await views(page, 'media-compare');
  });
});
