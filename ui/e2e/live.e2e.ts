// Live updates in Chromium: a run logged through the MLflow REST API (as a training script
// would) appears and updates in the open runs table without a reload, and its run page's zoomed
// chart stays zoomed while it is redrawn with the new points.
import { describe, expect, it } from 'vitest';

import { baseUrl, screenshot, useBrowser } from './harness';

async function mlflow(endpoint: string, body: object): Promise<Record<string, unknown>> {
  const response = await fetch(`${baseUrl()}/api/2.0/mlflow/${endpoint}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = (await response.json()) as Record<string, unknown>;
  if (!response.ok) throw new Error(`${endpoint}: ${JSON.stringify(json)}`);
  return json;
}

async function logMetric(runId: string, value: number, step: number): Promise<void> {
  await mlflow('runs/log-metric', { run_id: runId, key: 'live_acc', value, timestamp: Date.now(), step });
}

const open = useBrowser();

describe('live updates', () => {
  it('shows a training run logging metrics without reloading the page', async () => {
    const name = `live-e2e-${Date.now()}`;
    const created = await mlflow('experiments/create', { name });
    const experimentId = created.experiment_id as string;
    const run = (await mlflow('runs/create', { experiment_id: experimentId, run_name: 'training', start_time: Date.now() })) as {
      run: { info: { run_id: string } };
    };
    const runId = run.run.info.run_id;
    await logMetric(runId, 0.25, 0);

    const page = await open('#/runs');
    await page.getByRole('button', { name: new RegExp(`^${name}\\b`) }).first().click();
    const row = page.locator(`[role=table] .row[data-run-id="${runId}"]`);
    await expect.poll(() => row.count()).toBe(1);
    const metricCell = async () => {
      const headers = await page.locator('[role=columnheader] .key').allTextContents();
      const index = headers.indexOf('live_acc');
      return index === -1 ? null : ((await row.locator('[role=cell]').nth(index).textContent()) ?? '').trim();
    };
    await expect.poll(metricCell).toBe('0.25');
    await expect.poll(() => page.getByText('Live', { exact: true }).count()).toBe(1);
    // A marker that a reload would wipe out.
    await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));

    await logMetric(runId, 0.875, 1);
    await expect.poll(metricCell).toBe('0.875');
    // A second run started elsewhere shows up in the same table.
    const second = (await mlflow('runs/create', { experiment_id: experimentId, run_name: 'second', start_time: Date.now() })) as {
      run: { info: { run_id: string } };
    };
    await expect.poll(() => page.locator(`[role=table] .row[data-run-id="${second.run.info.run_id}"]`).count()).toBe(1);
    await expect.poll(() => page.getByRole('button', { name: new RegExp(`^${name}\\b`) }).first().textContent()).toMatch(/2\s*$/);
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
    await screenshot(page, 'runs-live');

    await mlflow('runs/update', { run_id: runId, status: 'FINISHED', end_time: Date.now() });
    await mlflow('runs/update', { run_id: second.run.info.run_id, status: 'FINISHED', end_time: Date.now() });
    await expect.poll(() => page.getByText('Live', { exact: true }).count()).toBe(0);
  });

  it("keeps the run page's chart zoom while the run logs more points", async () => {
    const created = await mlflow('experiments/create', { name: `live-zoom-e2e-${Date.now()}` });
    const run = (await mlflow('runs/create', { experiment_id: created.experiment_id, run_name: 'zoomed', start_time: Date.now() })) as {
      run: { info: { run_id: string } };
    };
    const runId = run.run.info.run_id;
    const batch = (steps: number[]) =>
      mlflow('runs/log-batch', {
        run_id: runId,
        metrics: steps.map((step) => ({ key: 'live_loss', value: 1 / (1 + step), timestamp: Date.now(), step })),
      });
    await batch(Array.from({ length: 100 }, (_, step) => step));

    const page = await open(`#/runs/${runId}`);
    const chart = page.locator('figure[data-chart-kind=line]').first();
    const image = chart.locator('.image[role=slider]');
    await expect.poll(() => image.count(), { timeout: 20_000 }).toBe(1);
    const points = async () => Number(((await chart.locator('[data-testid=chart-points]').textContent()) ?? '').replace(/[^0-9]/g, ''));
    await expect.poll(points).toBe(100);
    await image.focus();
    await page.keyboard.press('+');
    await expect.poll(() => image.getAttribute('data-zoomed')).not.toBeNull();
    const zoomed = (await image.getAttribute('data-zoomed'))!;
    const [low, high] = zoomed.split(' ').map(Number) as [number, number];
    const inside = (step: number) => step >= low && step <= high;
    const before = Array.from({ length: 100 }, (_, step) => step).filter(inside).length;
    await expect.poll(points).toBe(before);

    // Twenty more points inside the range (steps logged again) and a hundred after it.
    const again = Array.from({ length: 20 }, (_, i) => Math.ceil(low) + i).filter(inside);
    await batch([...again, ...Array.from({ length: 100 }, (_, i) => 100 + i)]);
    await expect.poll(points, { timeout: 20_000 }).toBe(before + again.length);
    expect(await image.getAttribute('data-zoomed')).toBe(zoomed);
    await screenshot(page, 'run-page-live-zoom');
  });
});
