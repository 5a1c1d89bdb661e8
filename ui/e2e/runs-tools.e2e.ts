// The runs table's tools in Chromium: the column picker (remembered after a reload), filter
// completion from the store's keys, grouping by a param (counts asked of the CLI), selecting
// runs for Compare, and the keyboard (arrows, Space, Enter opens a run).
import { execFileSync } from 'node:child_process';

import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';

import { cairnBinary, screenshot, storePath, useBrowser } from './harness';

interface CliRun {
  run_id: string;
  run_name: string;
}

const EXPERIMENT = 'mnist-cnn';

function cliRuns(filter = '', orderBy: string[] = []): CliRun[] {
  const args = ['runs', 'list', '--store', storePath(), '--json', '--experiment', EXPERIMENT, '--limit', '100000'];
  if (filter !== '') args.push('--filter', filter);
  for (const clause of orderBy) args.push('--order-by', clause);
  return JSON.parse(execFileSync(cairnBinary(), args, { encoding: 'utf8' })) as CliRun[];
}

async function openExperiment(page: Page): Promise<void> {
  await page.getByRole('button', { name: new RegExp(`^${EXPERIMENT}\\b`) }).first().click();
  await expect.poll(() => page.locator('[role=table] .row[data-run-id]').count()).toBe(cliRuns().length);
}

async function headerLabels(page: Page): Promise<string[]> {
  return page.locator('[role=columnheader] .key').allTextContents();
}

const open = useBrowser();

describe('the runs table tools', () => {
  it('hides and moves columns with the picker, and remembers the choice', async () => {
    const page = await open('#/runs');
    await openExperiment(page);
    expect(await headerLabels(page)).toContain('seed');

    await page.getByRole('button', { name: /^Columns/ }).click();
    const panel = page.getByRole('dialog', { name: 'Choose columns' });
    await panel.getByRole('checkbox', { name: 'param seed' }).uncheck();
    await expect.poll(() => headerLabels(page)).not.toContain('seed');
    // Moving "Status" down puts "Start" before it.
    await panel.getByRole('button', { name: 'Move Status down' }).click();
    await expect.poll(async () => (await headerLabels(page)).slice(0, 3)).toEqual(['Name', 'Start', 'Status']);
    await screenshot(page, 'runs-column-picker');

    await page.reload();
    await openExperiment(page);
    await expect.poll(() => headerLabels(page)).not.toContain('seed');
    expect((await headerLabels(page)).slice(0, 3)).toEqual(['Name', 'Start', 'Status']);
    // Back to every column for the other tests.
    await page.getByRole('button', { name: /^Columns/ }).click();
    await page.getByRole('dialog', { name: 'Choose columns' }).getByRole('button', { name: 'Reset' }).click();
    await expect.poll(() => headerLabels(page)).toContain('seed');
  });

  it('completes fields and comparators in the filter box', async () => {
    const page = await open('#/runs');
    await openExperiment(page);
    const box = page.getByLabel('Filter runs');
    await box.click();
    await page.keyboard.type('metrics.val_');
    const list = page.getByRole('listbox', { name: 'Suggestions' });
    await expect.poll(() => list.getByRole('option').allTextContents()).toContainEqual(expect.stringContaining('metrics.val_acc'));
    await screenshot(page, 'runs-filter-completion');
    // ↓ to the first suggestion, Enter accepts it; then comparators are offered.
    const first = (await list.getByRole('option').first().textContent()) ?? '';
    const field = first.replace(/metric$/, '').trim();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    expect(await box.inputValue()).toBe(`${field} `);
    await expect.poll(() => list.getByRole('option').allTextContents()).toContainEqual(expect.stringContaining('>='));
    await page.keyboard.press('Escape');
    await expect.poll(() => list.count()).toBe(0);
    await page.keyboard.type('> 0.5');
    await page.keyboard.press('Enter');
    const expected = cliRuns(`${field} > 0.5`).length;
    await expect.poll(() => page.locator('[role=table] .row[data-run-id]').count()).toBe(expected);
  });

  it('groups by a param with counts from the store, and opens a group', async () => {
    const page = await open('#/runs');
    await openExperiment(page);
    await page.getByLabel('Group by').selectOption('optimizer');
    const headers = page.locator('[role=table] .group-row');
    await expect.poll(() => headers.count()).toBeGreaterThan(1);
    const texts = await headers.allTextContents();
    for (const text of texts) {
      const match = /^\s*[▾▸]\s*(\S+)\s+(\d+) runs?/.exec(text);
      expect(match, text).not.toBeNull();
      const [, value, count] = match!;
      expect(Number(count)).toBe(cliRuns(`params.optimizer = '${value}'`).length);
    }
    // The first group is open with its runs; opening the second shows its runs too.
    const second = /^\s*[▾▸]\s*(\S+)/.exec(texts[1]!)![1]!;
    await headers.nth(1).getByRole('button').click();
    const secondRuns = cliRuns(`params.optimizer = '${second}'`).map((r) => r.run_id);
    await expect
      .poll(() => page.locator('[role=table] .row[data-run-id]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-run-id'))))
      .toEqual(expect.arrayContaining(secondRuns));
    // Sorted by a metric, headers show the group's best and mean.
    await page.locator('button[title="Sort by metrics.val_acc"]').click();
    await expect.poll(() => headers.first().textContent()).toMatch(/best .* · mean /);
    await screenshot(page, 'runs-grouped');
  });

  it('selects runs with click, shift-click and ctrl-click, and compares them', async () => {
    const page = await open('#/runs');
    await openExperiment(page);
    const rows = page.locator('[role=table] .row[data-run-id]');
    const ids = await rows.evaluateAll((all) => all.map((r) => r.getAttribute('data-run-id')!));
    await rows.nth(0).locator('[role=cell]').nth(1).click();
    await rows.nth(2).locator('[role=cell]').nth(1).click({ modifiers: ['Shift'] });
    await rows.nth(4).locator('[role=cell]').nth(1).click({ modifiers: ['Control'] });
    await rows.nth(1).getByRole('checkbox').uncheck();
    const compare = page.getByRole('link', { name: 'Compare (3)' });
    await expect.poll(() => compare.count()).toBe(1);
    await screenshot(page, 'runs-selected');
    await compare.click();
    await expect.poll(() => page.evaluate(() => window.location.hash)).toBe(`#/compare?runs=${[ids[0], ids[2], ids[4]].join(',')}`);
  });

  it('moves with the arrows, toggles with Space and opens a run with Enter', async () => {
    const page = await open('#/runs');
    await openExperiment(page);
    const ids = await page.locator('[role=table] .row[data-run-id]').evaluateAll((all) => all.map((r) => r.getAttribute('data-run-id')!));
    await page.getByRole('table', { name: 'Runs' }).focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press(' ');
    await expect.poll(() => page.locator('.row.selected').getAttribute('data-run-id')).toBe(ids[1]);
    await page.keyboard.press('End');
    await expect.poll(() => page.locator('.row.focused').getAttribute('data-run-id')).toBe(ids.at(-1));
    await page.keyboard.press('Home');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate(() => window.location.hash)).toBe(`#/runs/${ids[0]}`);
  });

  it('sends focus back to the table when scrolling reuses the focused row for another run', async () => {
    const page = await open('#/runs');
    // A short window over every experiment's runs: scrolling to the end reuses the first rows.
    await page.setViewportSize({ width: 1400, height: 420 });
    const experiments = page.locator('aside li button');
    await expect.poll(() => experiments.count()).toBeGreaterThan(3);
    for (let i = 0; i < (await experiments.count()); i++) await experiments.nth(i).click({ modifiers: ['Control'] });
    const table = page.locator('[role=table]');
    const rows = table.locator('.row[data-run-id]');
    await expect.poll(() => table.getAttribute('aria-rowcount').then(Number)).toBeGreaterThan(60);

    const first = rows.first();
    const firstRun = await first.getAttribute('data-run-id');
    await first.getByRole('checkbox').focus();
    expect(await page.evaluate(() => document.activeElement?.closest('[data-run-id]')?.getAttribute('data-run-id'))).toBe(firstRun);

    await table.evaluate((element) => element.scrollTo({ top: element.scrollHeight }));
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('role'))).toBe('table');
    // Space now acts on the table's own focus, never on a checkbox that shows another run.
    await page.keyboard.press(' ');
    expect(await rows.evaluateAll((nodes) => nodes.filter((node) => node.classList.contains('selected')).length)).toBe(0);
  });
});
