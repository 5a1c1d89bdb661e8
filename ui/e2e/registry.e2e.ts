// The registry screens in Chromium: the models list shows what `cairn models list --json` says,
// and promoting a version through the confirmation dialog (Esc cancels; Ctrl+Enter confirms from
// the comment box) changes its stage badge, archives the one it replaces and adds an `app` entry
// to the history — checked against the CLI. Only this file touches churn-tuning-clf.
import { execFileSync } from 'node:child_process';

import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';

import { baseUrl, cairnBinary, screenshot, storePath, useBrowser } from './harness';

interface CliVersion {
  version: number;
  stage: string;
  aliases: string[];
}

interface CliModel {
  name: string;
  aliases: Record<string, number>;
  latest_versions: CliVersion[];
}

function cli<T>(...args: string[]): T {
  return JSON.parse(execFileSync(cairnBinary(), ['models', ...args, '--store', storePath(), '--json'], { encoding: 'utf8' })) as T;
}

async function stageOf(page: Page, version: number): Promise<string | null> {
  return page.locator(`table[aria-label=Versions] tr[data-version="${version}"] [data-stage]`).getAttribute('data-stage');
}

const open = useBrowser();
const MODEL = 'churn-tuning-clf';

describe('the registry', () => {
  it('lists every registered model with its stages, aliases and version count', async () => {
    const models = cli<CliModel[]>('list');
    expect(models.map((m) => m.name)).toEqual(expect.arrayContaining(['mnist-classifier', 'churn-baseline-clf', MODEL]));
    const page = await open('#/models');
    const table = page.getByRole('table', { name: 'Registered models' });
    await expect.poll(() => table.locator('tbody tr').count()).toBe(models.length);
    for (const model of models) {
      const row = table.locator(`tr[data-model="${model.name}"]`);
      const versions = cli<CliVersion[]>('versions', model.name);
      expect(await row.locator('td.num').textContent()).toBe(String(versions.length));
      const production = model.latest_versions.find((v) => v.stage === 'Production');
      const cell = (await row.locator('[data-stage-column=Production]').textContent()) ?? '';
      expect(cell.trim().startsWith(production ? `v${production.version}` : '—')).toBe(true);
      const chips = await row.locator('[data-alias]').evaluateAll((els) => els.map((el) => el.getAttribute('data-alias')));
      expect(chips.sort()).toEqual(Object.keys(model.aliases).sort());
    }
    await screenshot(page, 'registry-models');

    await table.getByRole('link', { name: MODEL }).click();
    await expect.poll(() => page.evaluate(() => window.location.hash)).toBe(`#/models/${MODEL}`);
    await expect.poll(() => page.getByRole('heading', { name: MODEL }).count()).toBe(1);
  });

  it('promotes a version to Production through the confirmation dialog', async () => {
    const before = cli<CliVersion[]>('versions', MODEL);
    const candidate = before.find((v) => v.stage === 'Staging');
    const current = before.find((v) => v.stage === 'Production');
    expect(candidate, `${MODEL} has a version in Staging`).toBeDefined();
    expect(current, `${MODEL} has a version in Production`).toBeDefined();

    const page = await open(`#/models/${MODEL}`);
    const row = page.locator(`table[aria-label=Versions] tr[data-version="${candidate!.version}"]`);
    await expect.poll(() => stageOf(page, candidate!.version)).toBe('Staging');
    // The source run links to its run page.
    expect(await row.locator('td.run a').getAttribute('href')).toMatch(/^#\/runs\/[0-9a-f]{32}$/);

    // Esc cancels without changing anything.
    await row.getByRole('button', { name: 'To Production' }).click();
    const dialog = page.getByRole('dialog');
    await expect.poll(() => dialog.count()).toBe(1);
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.count()).toBe(0);

    await row.getByRole('button', { name: 'To Production' }).click();
    await expect.poll(() => dialog.getByRole('heading').textContent()).toBe(`Promote v${candidate!.version} to Production`);
    // The dialog compares with the version now in Production, metric by metric.
    await expect.poll(() => dialog.getByText(`v${current!.version}`, { exact: false }).count()).toBeGreaterThan(0);
    await expect.poll(() => dialog.locator('table[aria-label=Metrics] tbody tr').count()).toBeGreaterThan(0);
    const archive = dialog.getByRole('checkbox', { name: /Archive existing versions in Production/ });
    expect(await archive.isChecked()).toBe(true);
    // Focus stays in the dialog: Tab from the last control wraps to the first.
    for (let i = 0; i < 12; i += 1) await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.closest('[role=dialog]') !== null)).toBe(true);
    const comment = dialog.getByRole('textbox');
    await comment.fill('e2e: better recall on the holdout set');
    await screenshot(page, 'registry-promote-dialog');
    await comment.press('Control+Enter');
    await expect.poll(() => dialog.count()).toBe(0);

    await expect.poll(() => stageOf(page, candidate!.version)).toBe('Production');
    await expect.poll(() => stageOf(page, current!.version)).toBe('Archived');
    const newest = page.locator('ol[aria-label=History] li').first();
    await expect
      .poll(() => newest.locator('.what').textContent())
      .toBe(`v${candidate!.version} Staging → Production`);
    expect(await newest.locator('.origin').textContent()).toBe('app');
    expect(await newest.locator('.comment').textContent()).toBe('e2e: better recall on the holdout set');
    await screenshot(page, 'registry-after-promote');

    const after = cli<CliVersion[]>('versions', MODEL);
    expect(after.find((v) => v.version === candidate!.version)?.stage).toBe('Production');
    expect(after.find((v) => v.version === current!.version)?.stage).toBe('Archived');
    const history = cli<{ change: string; origin: string; version: number | null; to_stage: string | null }[]>('history', MODEL);
    expect(history.at(-1)).toMatchObject({ change: 'transition', origin: 'app', version: candidate!.version, to_stage: 'Production' });
  });

  it('sets, then removes, an alias through the dialog', async () => {
    let versions = cli<CliVersion[]>('versions', MODEL);
    if (!versions.some((v) => v.stage === 'Archived')) {
      // An archived version to put the alias on (the promotion above usually leaves one).
      const oldest = versions.reduce((a, b) => (a.version < b.version ? a : b));
      const response = await fetch(`${baseUrl()}/api/2.0/mlflow/model-versions/transition-stage`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: MODEL, version: String(oldest.version), stage: 'Archived' }),
      });
      expect(response.status).toBe(200);
      versions = cli<CliVersion[]>('versions', MODEL);
    }
    const target = versions.find((v) => v.stage === 'Archived')!;
    const page = await open(`#/models/${MODEL}`);
    const row = page.locator(`table[aria-label=Versions] tr[data-version="${target.version}"]`);
    await row.getByRole('button', { name: 'Alias…' }).click();
    const dialog = page.getByRole('dialog');
    const name = dialog.getByRole('textbox', { name: 'Alias' });
    await name.fill('not valid!');
    await expect.poll(() => dialog.getByRole('alert').textContent()).toContain('letters, digits');
    await name.fill('e2e-pick');
    await expect.poll(() => dialog.getByText('@e2e-pick is not set yet').count()).toBe(1);
    await name.press('Enter');
    await expect.poll(() => dialog.count()).toBe(0);
    await expect.poll(() => row.locator('[data-alias="e2e-pick"]').count()).toBe(1);
    expect(cli<CliModel>('show', MODEL).aliases['e2e-pick']).toBe(target.version);
    // An alias on an archived version loads a retired model: the page says so until it moves.
    const stale = page.getByTestId('stale-aliases');
    await expect.poll(() => stale.textContent()).toContain(`@e2e-pick points at archived v${target.version}`);
    await expect.poll(() => row.getByText('⚠ archived').count()).toBe(1);

    await row.getByRole('button', { name: 'Remove alias @e2e-pick' }).click();
    await expect.poll(() => dialog.getByRole('heading').textContent()).toBe(`Remove @e2e-pick from v${target.version}`);
    await dialog.getByRole('button', { name: 'Remove @e2e-pick' }).click();
    await expect.poll(() => row.locator('[data-alias="e2e-pick"]').count()).toBe(0);
    const newest = page.locator('ol[aria-label=History] li').first();
    await expect.poll(() => newest.locator('.what').textContent()).toBe(`@e2e-pick removed from v${target.version}`);
    expect(cli<CliModel>('show', MODEL).aliases['e2e-pick']).toBeUndefined();
    expect(await stale.filter({ hasText: '@e2e-pick' }).count()).toBe(0);
  });
});
