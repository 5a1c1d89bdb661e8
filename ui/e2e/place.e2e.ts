// Keeping your place in the runs view, in Chromium: the experiments (checkboxes), filter, sort,
// columns and group-by live in the URL and survive a reload; plain text searches run names; the
// keyboard (Ctrl+F, Tab, the focused row's marker, Alt+←); "best" follows the metric's goal, not
// the sort; and the toolbar at 900 px. Expected rows are asked of the CLI.
import { execFileSync } from 'node:child_process';

import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';

import { cairnBinary, screenshot, storePath, useBrowser } from './harness';

interface CliRun {
  run_id: string;
  run_name: string;
  params: Record<string, string>;
  metrics: Record<string, number>;
}

function cliRuns(experiments: string[], filter = ''): CliRun[] {
  const args = ['runs', 'list', '--store', storePath(), '--json', '--limit', '100000'];
  for (const experiment of experiments) args.push('--experiment', experiment);
  if (filter !== '') args.push('--filter', filter);
  return JSON.parse(execFileSync(cairnBinary(), args, { encoding: 'utf8' })) as CliRun[];
}

const rowsOf = (page: Page) => page.locator('[role=table] .row[data-run-id]');
const headerLabels = (page: Page) => page.locator('[role=columnheader] .key').allTextContents();
const hash = (page: Page) => page.evaluate(() => decodeURIComponent(window.location.hash));
const entry = (page: Page, name: string) => page.getByRole('navigation', { name: 'Experiments' }).locator('li', { hasText: name });

async function openExperiment(page: Page, name: string): Promise<void> {
  await page.getByRole('button', { name: new RegExp(`^${name}\\b`) }).first().click();
  await expect.poll(() => rowsOf(page).count()).toBe(cliRuns([name]).length);
}

const open = useBrowser();

describe('keeping your place in the runs view', () => {
  it('keeps experiments, filter, sort, columns and group-by through a reload', async () => {
    const page = await open('#/runs');
    await openExperiment(page, 'mnist-cnn');
    const startLength = await page.evaluate(() => history.length);
    // A second experiment through its checkbox: both checked, both in the URL.
    await entry(page, 'churn-tuning').getByRole('checkbox').check();
    await expect.poll(() => hash(page)).toMatch(/exp=[^&]+,[^&]+/);
    expect(await page.evaluate(() => history.length)).toBe(startLength + 1);
    const both = ['mnist-cnn', 'churn-tuning'];
    await expect.poll(() => rowsOf(page).count()).toBe(cliRuns(both).length);

    const filter = 'metrics.val_loss < 1';
    await page.getByLabel('Filter runs').fill(filter);
    await page.getByLabel('Filter runs').press('Enter');
    await page.locator('button[title="Sort by metrics.val_loss"]').click();
    await page.getByRole('button', { name: /^Columns/ }).click();
    await page.getByRole('dialog', { name: 'Choose columns' }).getByRole('checkbox', { name: 'Start' }).uncheck();
    await page.keyboard.press('Escape');
    await page.getByLabel('Group by').selectOption('lr');
    await expect.poll(() => hash(page)).toContain('group=lr');
    const url = await hash(page);
    expect(url).toContain(`q=${filter}`);
    expect(url).toContain('sort=metrics.val_loss DESC');
    expect(url).toContain('hide=attr:start');
    // Refinements replace the history entry; only choosing experiments added one.
    expect(await page.evaluate(() => history.length)).toBe(startLength + 1);

    await page.reload();
    await expect.poll(() => page.locator('[role=table] .group-row').count()).toBeGreaterThan(0);
    expect(await page.getByLabel('Filter runs').inputValue()).toBe(filter);
    expect(await page.getByLabel('Group by').inputValue()).toBe('lr');
    for (const name of both) expect(await entry(page, name).getByRole('checkbox').isChecked()).toBe(true);
    expect(await headerLabels(page)).not.toContain('Start');
    expect(await page.locator('[role=columnheader][aria-sort=descending]').first().textContent()).toContain('val_loss');
    expect(await hash(page)).toBe(url);
    await screenshot(page, 'runs-place-restored');

    // Back goes to the single experiment chosen before; the URL says so.
    await page.keyboard.press('Alt+ArrowLeft');
    await expect.poll(() => entry(page, 'churn-tuning').getByRole('checkbox').isChecked()).toBe(false);
    expect(await hash(page)).not.toContain(',');
  });

  it('searches run names for plain text, and says so', async () => {
    const page = await open('#/runs');
    await openExperiment(page, 'mnist-cnn');
    const expected = cliRuns(['mnist-cnn'], "attributes.run_name ILIKE '%adamw%'").map((r) => r.run_id).sort();
    expect(expected.length).toBeGreaterThan(0);
    await page.keyboard.press('Control+f');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('runs-filter');
    await page.keyboard.type('adamw');
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await rowsOf(page).evaluateAll((rows) => rows.map((r) => r.getAttribute('data-run-id')))).sort()).toEqual(expected);
    expect(await page.getByTestId('name-search').textContent()).toContain("attributes.run_name ILIKE '%adamw%'");
    expect(await page.getByRole('alert').count()).toBe(0);
  });

  it('lets Tab leave an empty filter and marks the keyboard row', async () => {
    const page = await open('#/runs');
    await openExperiment(page, 'mnist-cnn');
    await page.keyboard.press('Control+f');
    await page.keyboard.press('Tab');
    expect(await page.getByLabel('Filter runs').inputValue()).toBe('');
    expect(await page.evaluate(() => document.activeElement?.id)).not.toBe('runs-filter');

    await page.getByRole('table', { name: 'Runs' }).focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    const marker = page.locator('.row.focused .first');
    await expect.poll(() => marker.evaluate((cell) => getComputedStyle(cell).boxShadow)).toMatch(/inset/);
    await screenshot(page, 'runs-keyboard-row');
    // Enter opens the run; Alt+← comes back to the runs.
    await page.keyboard.press('Enter');
    await expect.poll(() => hash(page)).toMatch(/^#\/runs\/[0-9a-f]+$/);
    await page.keyboard.press('Alt+ArrowLeft');
    await expect.poll(() => hash(page)).toMatch(/^#\/runs\?exp=/);
  });

  it("shows a group's best by the metric's goal, whatever the sort, and the goal can be flipped", async () => {
    const page = await open('#/runs');
    await openExperiment(page, 'mnist-cnn');
    await page.getByLabel('Group by').selectOption('optimizer');
    const sort = page.locator('button[title="Sort by metrics.val_loss"]');
    await sort.click();
    const first = page.locator('[role=table] .group-row').first();
    const bestOf = async () => Number(/best (\S+)/.exec((await first.textContent()) ?? '')?.[1]);
    const group = /^\s*[▾▸]\s*(\S+)/.exec((await first.textContent()) ?? '')![1]!;
    const losses = cliRuns(['mnist-cnn'], `params.optimizer = '${group}'`).map((r) => r.metrics.val_loss!);
    const close = (a: number, b: number) => Math.abs(a - b) <= 1e-3 * Math.max(1, Math.abs(b));

    // Sorted highest first, the best loss is still the lowest.
    await expect.poll(async () => close(await bestOf(), Math.min(...losses))).toBe(true);
    await sort.click();
    await expect.poll(() => hash(page)).toContain('val_loss ASC');
    expect(close(await bestOf(), Math.min(...losses))).toBe(true);

    // The user says higher is better: the best is now the highest, and stays so after a reload.
    await page.getByTestId('metric-goal').click();
    await expect.poll(async () => close(await bestOf(), Math.max(...losses))).toBe(true);
    await page.reload();
    await expect.poll(async () => close(await bestOf(), Math.max(...losses))).toBe(true);
    await page.getByTestId('metric-goal').click();
    await expect.poll(async () => close(await bestOf(), Math.min(...losses))).toBe(true);
    // Compare marks the best by the same goal, and flips it with the same memory.
    const [low, high] = cliRuns(['mnist-cnn'], `params.optimizer = '${group}'`).sort((x, y) => x.metrics.val_loss! - y.metrics.val_loss!);
    await page.goto(page.url().replace(/#.*$/, `#/compare?runs=${high!.run_id},${low!.run_id}`));
    const row = page.getByTestId('metrics-table').locator('tr', { has: page.getByTestId('goal-val_loss') });
    const bestIndex = () => row.locator('td').evaluateAll((cells) => cells.findIndex((cell) => cell.classList.contains('best')));
    await expect.poll(bestIndex).toBe(1);
    await page.getByTestId('goal-val_loss').click();
    await expect.poll(bestIndex).toBe(0);
    await page.getByTestId('goal-val_loss').click();
  });

  it('wraps the toolbar at 900 px, light and dark, without squeezing the filter', async () => {
    const page = await open('#/runs');
    await page.setViewportSize({ width: 900, height: 640 });
    await openExperiment(page, 'churn-tuning');
    const box = await page.getByLabel('Filter runs').boundingBox();
    expect(box?.width ?? 0).toBeGreaterThan(200);
    // Runs logged through MLflow have no data hash: that column starts hidden, after the metrics.
    const labels = await headerLabels(page);
    expect(labels).not.toContain('Data hash');
    expect(labels.indexOf('val_loss')).toBeLessThan(labels.indexOf('Commit'));
    await screenshot(page, 'runs-900-light');
    await page.evaluate(() => localStorage.setItem('cairn.theme', 'dark'));
    await page.reload();
    await expect.poll(() => rowsOf(page).count()).toBeGreaterThan(0);
    await entry(page, 'mnist-cnn').getByRole('checkbox').check();
    await expect.poll(() => headerLabels(page)).toContain('Data hash');
    await screenshot(page, 'runs-900-dark');
    await page.evaluate(() => localStorage.removeItem('cairn.theme'));
  });
});
