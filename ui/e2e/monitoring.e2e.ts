// The drift views in Chromium. On a server and store of its own, seeded through the real REST
// API: a registered model whose version 1 has a reference (training data with an accuracy
// alert) and four production batches, later ones shifted and the last one below the alert;
// version 2 has no reference. The Monitoring tab shows the reference, the drift share and
// accuracy charts and the batch table (the broken alert marked); a batch opens its report with
// each column's verdict and distributions; version 2 shows how to start. On the seeded server,
// comparing two demo runs trained on different data says where their drift is computed (a
// browser cannot read the data; the desktop path is tested on the Rust side).
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';

import { baseUrl, screenshot, useBrowser, useOwnServer } from './harness';

const browse = useBrowser();
const server = useOwnServer('monitoring');
const MODEL = 'churn-monitor';

/** A repeatable pseudo-random stream in [0, 1). */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

interface Shape {
  rows: number;
  /** Added to every age. */
  ageShift: number;
  /** Share of each plan, in order free, pro, team, enterprise. */
  plans: [number, number, number, number];
  /** Share of rows whose prediction is right; null for no prediction column. */
  accuracy: number | null;
  seed: number;
}

/** A CSV of `age,plan,label[,prediction]` rows drawn from `shape`. */
function table(shape: Shape): string {
  const next = random(shape.seed);
  const names = ['free', 'pro', 'team', 'enterprise'];
  const lines = [shape.accuracy === null ? 'age,plan,label' : 'age,plan,label,prediction'];
  for (let i = 0; i < shape.rows; i++) {
    const age = Math.round(20 + next() * 40 + shape.ageShift);
    let pick = next();
    let plan = names[0]!;
    for (const [index, share] of shape.plans.entries()) {
      if (pick < share) {
        plan = names[index]!;
        break;
      }
      pick -= share;
    }
    const label = next() < 0.4 ? 1 : 0;
    const row = [String(age), plan, String(label)];
    if (shape.accuracy !== null) row.push(String(next() < shape.accuracy ? label : 1 - label));
    lines.push(row.join(','));
  }
  return `${lines.join('\n')}\n`;
}

async function post(path: string, body: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  expect(response.status, `${path}: ${text}`).toBe(200);
  return JSON.parse(text) as Record<string, unknown>;
}

async function postCsv(path: string, csv: string): Promise<void> {
  const response = await fetch(`${server.url}${path}`, { method: 'POST', headers: { 'Content-Type': 'text/csv' }, body: csv });
  expect(response.status, `${path}: ${await response.clone().text()}`).toBe(200);
}

const BASE: Omit<Shape, 'seed'> = { rows: 300, ageShift: 0, plans: [0.5, 0.3, 0.2, 0], accuracy: 0.9 };
const BATCHES: [string, Shape][] = [
  ['day-1.csv', { ...BASE, seed: 11 }],
  ['day-2.csv', { ...BASE, accuracy: 0.88, seed: 12 }],
  ['day-3.csv', { ...BASE, ageShift: 12, accuracy: 0.85, seed: 13 }],
  ['day-4.csv', { ...BASE, ageShift: 25, plans: [0.2, 0.2, 0.1, 0.5], accuracy: 0.6, seed: 14 }],
];

let seeded: Promise<void> | undefined;

/** The model, its two versions, version 1's reference and its batches (once per file). */
function seed(): Promise<void> {
  seeded ??= (async () => {
    const run = (await post('/api/2.0/mlflow/runs/create', { experiment_id: '0', run_name: 'churn-train' })) as { run: { info: { run_id: string } } };
    const runId = run.run.info.run_id;
    await post('/api/2.0/mlflow/registered-models/create', { name: MODEL });
    for (let i = 0; i < 2; i++) {
      await post('/api/2.0/mlflow/model-versions/create', { name: MODEL, source: `runs:/${runId}/model`, run_id: runId });
    }
    const query = `name=${MODEL}&version=1&source=train.csv&alert=${encodeURIComponent('accuracy>=0.8')}`;
    await postCsv(`/api/2.0/cairn/monitoring/reference?${query}`, table({ ...BASE, rows: 600, accuracy: null, seed: 7 }));
    for (const [label, shape] of BATCHES) {
      await postCsv(`/api/2.0/cairn/monitoring/batches?name=${MODEL}&version=1&label=${label}`, table(shape));
    }
  })();
  return seeded;
}

/**
 * The page at 1400 px light, then at 900 px dark (the OS's scheme: the theme follows it), with
 * `top` (when given) scrolled to the top of the window.
 */
async function bothLooks(page: Page, name: string, top?: Locator): Promise<void> {
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  const look = async (width: number, height: number, scheme: 'light' | 'dark') => {
    await page.setViewportSize({ width, height });
    await page.emulateMedia({ colorScheme: scheme });
    await page.waitForTimeout(200);
    await top?.evaluate((element) => element.scrollIntoView({ block: 'start' }));
    await screenshot(page, `${name}-${width}-${scheme}`);
  };
  await look(1400, 900, 'light');
  await look(900, 800, 'dark');
  await page.setViewportSize({ width: 1400, height: 900 });
  await page.emulateMedia({ colorScheme: 'light' });
}

describe('the Monitoring tab', () => {
  it('shows the reference, the drift share and accuracy over the batches, and the batch table', async () => {
    await seed();
    const page = await browse(`#/models/${MODEL}`, server.url);
    // The model page links each version's Monitoring tab.
    await page.locator('table[aria-label=Versions] tr[data-version="1"]').getByRole('link', { name: 'Monitoring' }).click();
    await expect.poll(() => page.evaluate(() => window.location.hash)).toBe(`#/models/${MODEL}/versions/1/monitoring`);
    const tab = page.getByRole('tab', { name: 'Monitoring' });
    expect(await tab.getAttribute('aria-selected')).toBe('true');

    const reference = page.getByTestId('reference');
    await expect.poll(() => reference.textContent()).toContain('train.csv');
    expect(await reference.textContent()).toContain('600');
    expect(await reference.textContent()).toContain('accuracy ≥ 0.8');

    const drift = page.locator('figure[data-metric=drift_share]');
    await expect.poll(() => drift.getAttribute('data-points')).toBe('4');
    // The share threshold is drawn and labelled.
    expect(await drift.locator('text.threshold-label').allTextContents()).toEqual(['dataset drifts at 50%']);
    const accuracy = page.locator('figure[data-metric=accuracy]');
    expect(await accuracy.getAttribute('data-points')).toBe('4');
    expect(await accuracy.locator('text.threshold-label').allTextContents()).toEqual(['alert accuracy ≥ 0.8']);
    // Only the last batch breaks the alert.
    expect(await accuracy.locator('circle.point.broken').count()).toBe(1);

    const rows = page.locator('table[aria-label=Batches] tbody tr');
    expect(await rows.locator('td.label').allTextContents()).toEqual(['day-4.csv', 'day-3.csv', 'day-2.csv', 'day-1.csv']);
    const last = rows.first();
    expect(await last.getAttribute('class')).toContain('broken');
    expect(await last.getByTestId('broken-alert').textContent()).toMatch(/^accuracy 0\.\d{3} \(wants >=0\.8\)$/);
    expect(await last.locator('td.columns').textContent()).toContain('age');
    expect(await rows.nth(3).getByTestId('broken-alert').count()).toBe(0);

    // Keyboard: ← from the focused Monitoring tab opens Overview.
    await tab.focus();
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => page.evaluate(() => window.location.hash)).toBe(`#/models/${MODEL}/versions/1`);
    await expect.poll(() => page.getByTestId('version-overview').count()).toBe(1);
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Overview');
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => page.locator('figure[data-metric=drift_share]').getAttribute('data-points')).toBe('4');
    await bothLooks(page, 'monitoring-tab');
  });

  it('opens a batch report with each column verdict and both distributions', async () => {
    await seed();
    const page = await browse(`#/models/${MODEL}/versions/1/monitoring`, server.url);
    const rows = page.locator('table[aria-label=Batches] tbody tr');
    await expect.poll(() => rows.count()).toBe(4);
    await rows.first().getByRole('link', { name: 'day-4.csv' }).click();
    await expect.poll(() => page.evaluate(() => window.location.hash)).toMatch(new RegExp(`^#/models/${MODEL}/versions/1/monitoring\\?batch=`));

    const report = page.getByTestId('batch-report');
    const table = report.getByRole('table', { name: 'Drift by column' });
    await expect.poll(() => table.locator('tbody tr').count()).toBeGreaterThanOrEqual(2);
    expect(await report.getByRole('heading', { name: 'Batch day-4.csv' }).count()).toBe(1);
    // age moved by 25 years and plan gained a category the reference never had: both drifted.
    expect(await table.locator('tr[data-column=age] [data-verdict]').getAttribute('data-verdict')).toBe('drift');
    const plan = table.locator('tr[data-column=plan]');
    expect(await plan.locator('[data-verdict]').getAttribute('data-verdict')).toBe('drift');
    expect(await plan.locator('td.unseen').textContent()).toContain('enterprise');
    expect(await report.locator('[data-dataset-drift]').getAttribute('data-dataset-drift')).toBe('true');
    // Each tested column has its distribution chart, a pair of bars per bin or category.
    const charts = table.locator('svg[data-testid=distribution]');
    expect(await charts.count()).toBe(await table.locator('tbody tr').count());
    expect(await plan.locator('rect.reference').count()).toBeGreaterThanOrEqual(3);
    expect(await report.getByTestId('performance').textContent()).toContain('accuracy');
    // The selected batch is shaded on the charts.
    expect(await page.locator('figure[data-metric=drift_share] rect.selected').count()).toBe(1);
    await bothLooks(page, 'monitoring-batch-report', report);

    // The first day matches the reference: no column drifted.
    await page.getByRole('link', { name: 'day-1.csv' }).click();
    await expect.poll(() => report.getByRole('heading', { name: 'Batch day-1.csv' }).count()).toBe(1);
    await expect.poll(() => report.locator('[data-dataset-drift]').getAttribute('data-dataset-drift')).toBe('false');
    expect(await report.locator('[data-verdict=drift]').count()).toBe(0);
  });

  it('tells how to start on a version without a reference', async () => {
    await seed();
    const page = await browse(`#/models/${MODEL}/versions/2/monitoring`, server.url);
    const empty = page.getByTestId('monitoring-empty');
    await expect.poll(() => empty.count()).toBe(1);
    const text = (await empty.textContent()) ?? '';
    expect(text).toContain(`cairn monitor reference models:/${MODEL}/2 train.csv`);
    expect(text).toContain(`cairn monitor log models:/${MODEL}/2 batch.csv`);
    expect(text).toContain('/api/2.0/cairn/monitoring/batches');
    expect(await page.locator('figure[data-metric]').count()).toBe(0);
    await bothLooks(page, 'monitoring-empty');
  });
});

interface CompareAnswer {
  runs: { run_id: string; run_name: string; data: { path: string; hash: string }[] }[];
}

describe('the compare view in a browser', () => {
  it('says where the drift between two runs trained on different data is computed', async () => {
    // The demo's imdb-sentiment runs: its last two read another version of data/imdb.
    const experiment = (await (await fetch(`${baseUrl()}/api/2.0/mlflow/experiments/get-by-name?experiment_name=imdb-sentiment`)).json()) as {
      experiment: { experiment_id: string };
    };
    const search = (await (
      await fetch(`${baseUrl()}/api/2.0/mlflow/runs/search`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ experiment_ids: [experiment.experiment.experiment_id], max_results: 100 }),
      })
    ).json()) as { runs: { info: { run_id: string } }[] };
    const compared = (await (
      await fetch(`${baseUrl()}/app/api/compare_runs`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ runIds: search.runs.map((run) => run.info.run_id) }),
      })
    ).json()) as CompareAnswer;
    const hashOf = (run: CompareAnswer['runs'][number]) => run.data[0]?.hash ?? '';
    const first = compared.runs.find((run) => hashOf(run) !== '');
    const other = compared.runs.find((run) => hashOf(run) !== '' && hashOf(run) !== hashOf(first!));
    expect(first && other, 'two demo runs read different data').toBeTruthy();

    const page = await browse(`#/compare?runs=${first!.run_id},${other!.run_id}`);
    await expect.poll(() => page.getByTestId('data-warning').count()).toBe(1);
    const section = page.getByTestId('data-drift');
    await expect.poll(() => section.count()).toBe(1);
    // No "Show drift" in a browser: it cannot read the data.
    expect(await section.getByRole('button', { name: 'Show drift' }).count()).toBe(0);
    const where = (await section.getByTestId('drift-where').textContent()) ?? '';
    expect(where).toContain('desktop app');
    expect(where).toContain(`cairn drift --runs ${first!.run_id} ${other!.run_id}`);
    await bothLooks(page, 'compare-data-drift-browser', section);
  });
});
