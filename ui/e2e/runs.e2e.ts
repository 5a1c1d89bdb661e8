// The runs view in Chromium: the sidebar lists the seeded experiments with counts, the table
// shows an experiment's runs, the filter narrows them (and explains a bad filter), headers sort.
// What the table should show is asked of the CLI (`cairn runs list --json`), a separate path.
import { execFileSync } from 'node:child_process';

import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';

import { cairnBinary, screenshot, storePath, useBrowser } from './harness';

interface CliRun {
  run_id: string;
  run_name: string;
  experiment_id: string;
}

function cliRuns(experiment: string, filter = '', orderBy: string[] = []): CliRun[] {
  const args = ['runs', 'list', '--store', storePath(), '--json', '--experiment', experiment, '--limit', '100000'];
  if (filter !== '') args.push('--filter', filter);
  for (const clause of orderBy) args.push('--order-by', clause);
  return JSON.parse(execFileSync(cairnBinary(), args, { encoding: 'utf8' })) as CliRun[];
}

function cliExperiments(): { experiment_id: string; name: string }[] {
  const out = execFileSync(cairnBinary(), ['experiments', '--store', storePath(), '--json'], { encoding: 'utf8' });
  return JSON.parse(out) as { experiment_id: string; name: string }[];
}

/** The run names in the table, top to bottom (the table is short enough to render every row). */
async function tableNames(page: Page): Promise<string[]> {
  return page.locator('[role=table] .row').evaluateAll((rows) =>
    rows.map((row) => (row.querySelector('[role=cell]')?.textContent ?? '').trim()),
  );
}

async function openExperiment(page: Page, name: string): Promise<void> {
  await page.getByRole('button', { name: new RegExp(`^${name}\\b`) }).first().click();
}

const open = useBrowser();

describe('the runs view', () => {
  it('lists every experiment in the sidebar and the runs of the one chosen', async () => {
    const page = await open('#/runs');
    const experiments = cliExperiments();
    const tuning = experiments.find((e) => e.name === 'churn-tuning');
    expect(tuning, 'the fixtures make a churn-tuning experiment').toBeDefined();

    const sidebar = page.getByRole('navigation', { name: 'Experiments' });
    for (const experiment of experiments) {
      await expect.poll(() => sidebar.getByText(experiment.name, { exact: true }).count()).toBeGreaterThan(0);
    }

    await openExperiment(page, 'churn-tuning');
    const expected = cliRuns(tuning!.name).map((r) => r.run_name);
    expect(expected.length).toBeGreaterThan(0);
    await expect.poll(async () => (await tableNames(page)).sort()).toEqual([...expected].sort());
    await screenshot(page, 'runs-table');
  });

  it('filters with the search grammar and shows why a filter is wrong', async () => {
    const page = await open('#/runs');
    const tuning = cliExperiments().find((e) => e.name === 'churn-tuning')!;
    await openExperiment(page, 'churn-tuning');
    const filter = "params.lr = '0.1'";
    const expected = cliRuns(tuning.name, filter).map((r) => r.run_name);
    expect(expected.length).toBeGreaterThan(0);

    await page.keyboard.press('/');
    await page.keyboard.type(filter);
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await tableNames(page)).sort()).toEqual([...expected].sort());

    const box = page.getByLabel('Filter runs');
    await box.fill('metrics.val_acc >> 1');
    await box.press('Enter');
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/position|expected/i);
    await screenshot(page, 'runs-filter-error');
  });

  it('sorts by a metric column: highest first, then lowest first', async () => {
    const page = await open('#/runs');
    const tuning = cliExperiments().find((e) => e.name === 'churn-tuning')!;
    await openExperiment(page, 'churn-tuning');
    const sortButton = page.locator('button[title="Sort by metrics.val_loss"]');
    await sortButton.click();
    const descending = cliRuns(tuning.name, '', ['metrics.val_loss DESC']).map((r) => r.run_name);
    await expect.poll(() => tableNames(page)).toEqual(descending);
    await sortButton.click();
    const ascending = cliRuns(tuning.name, '', ['metrics.val_loss ASC']).map((r) => r.run_name);
    await expect.poll(() => tableNames(page)).toEqual(ascending);
    expect(ascending).not.toEqual(descending);
  });
});
