// Exploring line charts in Chromium: a drag across a compare chart selects a step range (a
// rectangle shows it while dragging) and the chart comes back from the store for just that
// range, its point count equal to the points the runs logged in it (read through the MLflow
// REST API), and every other line chart of the compare view zooms to the same range; a
// double-click shows everything again; a click on a legend entry hides that run's line; focused,
// + / − / Shift+→ / 0 zoom, pan and reset from the keyboard. Screenshots of the compare and run page charts in light and dark, at 1400 and 900 px.
import { execFileSync } from 'node:child_process';

import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';

import { baseUrl, cairnBinary, screenshot, storePath, useBrowser } from './harness';

function runIds(experiment: string, limit: number): string[] {
  const out = execFileSync(
    cairnBinary(),
    ['runs', 'list', '--store', storePath(), '--json', '--experiment', experiment, '--limit', String(limit)],
    { encoding: 'utf8' },
  );
  return (JSON.parse(out) as { run_id: string }[]).map((run) => run.run_id);
}

/** The steps of every point a run logged for `key` (repeats kept). */
async function steps(runId: string, key: string): Promise<number[]> {
  const url = `${baseUrl()}/api/2.0/mlflow/metrics/get-history?run_id=${runId}&metric_key=${encodeURIComponent(key)}`;
  const body = (await (await fetch(url)).json()) as { metrics?: { step: number | string }[] };
  return (body.metrics ?? []).map((metric) => Number(metric.step));
}

function shownPoints(chart: Locator): Promise<number> {
  return chart
    .locator('[data-testid=chart-points]')
    .textContent()
    .then((text) => Number((text ?? '').replace(/[^0-9]/g, '')));
}

/** Drags across the chart image from `from` to `to` (fractions of its width), at mid-height. */
async function dragAcross(page: Page, chart: Locator, from: number, to: number, beforeRelease?: () => Promise<void>) {
  const box = (await chart.locator('.image').boundingBox())!;
  const y = box.y + box.height / 2;
  await page.mouse.move(box.x + box.width * from, y);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * ((from + to) / 2), y, { steps: 3 });
  await page.mouse.move(box.x + box.width * to, y, { steps: 3 });
  await beforeRelease?.();
  await page.mouse.up();
}

/** The zoomed range of every line chart drawn so far (null: not zoomed). */
function zoomsOf(page: Page): Promise<(string | null)[]> {
  return page.locator('figure[data-chart-kind=line] .image[role=slider]').evaluateAll((images) => images.map((image) => image.getAttribute('data-zoomed')));
}

const open = useBrowser();

describe('chart zoom and legend', () => {
  it('zooms into a dragged step range from the store, resets on double-click, and hides a run from its legend', async () => {
    const ids = runIds('mnist-cnn', 3);
    expect(ids.length).toBe(3);
    const page = await open(`#/compare?runs=${ids.join(',')}`);
    const chart = page.locator('figure[data-chart-kind=line]').first();
    const image = chart.locator('.image[role=slider]');
    await expect.poll(() => image.count(), { timeout: 20_000 }).toBe(1);
    const metric = (await chart.getAttribute('aria-label'))!;
    const history = await Promise.all(ids.map((id) => steps(id, metric)));
    const total = history.reduce((sum, run) => sum + run.length, 0);
    await expect.poll(() => shownPoints(chart)).toBe(total);

    // Drag from 35% to 60% of the width: a selection rectangle while dragging, then a zoom.
    await dragAcross(page, chart, 0.35, 0.6, async () => {
      await expect.poll(() => chart.locator('[data-testid=zoom-selection]').count()).toBe(1);
      const selection = (await chart.locator('[data-testid=zoom-selection]').boundingBox())!;
      const box = (await image.boundingBox())!;
      expect(selection.width).toBeGreaterThan(box.width * 0.2);
      await screenshot(page, 'chart-zoom-dragging-light-1400');
    });
    await expect.poll(() => image.getAttribute('data-zoomed')).not.toBeNull();
    const [low, high] = (await image.getAttribute('data-zoomed'))!.split(' ').map(Number) as [number, number];
    expect(low).toBeLessThan(high);
    const inRange = history.reduce((sum, run) => sum + run.filter((step) => step >= low && step <= high).length, 0);
    expect(inRange).toBeGreaterThan(0);
    expect(inRange).toBeLessThan(total);
    await expect.poll(() => shownPoints(chart)).toBe(inRange);
    expect(await chart.locator('figcaption').textContent()).toContain(`step ${low.toLocaleString('en-US')}`);
    await expect.poll(() => chart.getByRole('button', { name: 'Reset zoom' }).count()).toBe(1);
    // Every drawn point lies in the range: the readout's stops are the drawn xs.
    const [minStop, maxStop] = await Promise.all([image.getAttribute('aria-valuemin'), image.getAttribute('aria-valuemax')]);
    expect(Number(minStop)).toBeGreaterThanOrEqual(low);
    expect(Number(maxStop)).toBeLessThanOrEqual(high);
    await screenshot(page, 'chart-zoomed-light-1400');
    // The compare view's charts share the zoom.
    const charts = (await zoomsOf(page)).length;
    expect(charts).toBeGreaterThan(1);
    await expect.poll(() => zoomsOf(page)).toEqual(Array(charts).fill(`${low} ${high}`));

    // Another y scale keeps the zoom: the chart is asked for again over the same range.
    const zoomedSvg = await chart.locator('svg').first().innerHTML();
    await page.getByLabel('log y').check();
    await expect.poll(() => chart.locator('svg').first().innerHTML()).not.toBe(zoomedSvg);
    expect(await image.getAttribute('data-zoomed')).toBe(`${low} ${high}`);
    await expect.poll(() => shownPoints(chart)).toBe(inRange);
    await page.getByLabel('log y').uncheck();

    // Double-click: everything again.
    const box = (await image.boundingBox())!;
    await page.mouse.dblclick(box.x + box.width / 2, box.y + box.height / 2);
    await expect.poll(() => image.getAttribute('data-zoomed')).toBeNull();
    await expect.poll(() => shownPoints(chart)).toBe(total);
    await expect.poll(() => zoomsOf(page)).toEqual(Array(charts).fill(null));

    // The legend, below the plot: toggling a run off leaves its line and points out.
    const legend = chart.locator('.legend button');
    expect(await legend.count()).toBe(3);
    const before = await chart.locator('svg polyline').count();
    await legend.nth(1).click();
    expect(await legend.nth(1).getAttribute('aria-pressed')).toBe('false');
    await expect.poll(() => shownPoints(chart)).toBe(total - history[1]!.length);
    await expect.poll(() => chart.locator('svg polyline').count()).toBeLessThan(before);
    await legend.nth(1).click();
    await expect.poll(() => shownPoints(chart)).toBe(total);

    // The keyboard: + zooms into the middle half, Shift+→ pans, − and 0 go back, on every chart.
    await image.focus();
    await page.keyboard.press('+');
    await expect.poll(() => image.getAttribute('data-zoomed')).not.toBeNull();
    const [keyLow, keyHigh] = (await image.getAttribute('data-zoomed'))!.split(' ').map(Number) as [number, number];
    await expect.poll(() => shownPoints(chart)).toBeLessThan(total);
    await expect.poll(() => zoomsOf(page)).toEqual(Array(charts).fill(`${keyLow} ${keyHigh}`));
    await page.keyboard.press('Shift+ArrowRight');
    await expect.poll(() => image.getAttribute('data-zoomed')).not.toBe(`${keyLow} ${keyHigh}`);
    const [panLow, panHigh] = (await image.getAttribute('data-zoomed'))!.split(' ').map(Number) as [number, number];
    expect(panLow).toBeGreaterThan(keyLow);
    expect(panHigh - panLow).toBe(keyHigh - keyLow);
    await page.keyboard.press('+');
    await expect.poll(async () => Number((await image.getAttribute('data-zoomed'))?.split(' ')[1])).toBeLessThan(panHigh);
    await page.keyboard.press('-');
    await page.keyboard.press('0');
    await expect.poll(() => image.getAttribute('data-zoomed')).toBeNull();
    await expect.poll(() => shownPoints(chart)).toBe(total);
  });

  it('looks right in light and dark, at 1400 and 900 px', async () => {
    const ids = runIds('mnist-cnn', 12);
    for (const theme of ['light', 'dark'] as const) {
      const page = await open(`#/compare?runs=${ids.join(',')}`);
      await page.evaluate((chosen) => localStorage.setItem('cairn.theme', chosen), theme);
      for (const width of [1400, 900]) {
        await page.setViewportSize({ width, height: 900 });
        await page.reload();
        const chart = page.locator('figure[data-chart-kind=line]').first();
        await expect.poll(() => chart.getAttribute('data-ready'), { timeout: 20_000 }).toBe('true');
        await expect.poll(() => chart.locator('.legend button').count()).toBe(ids.length);
        await screenshot(page, `chart-compare-${theme}-${width}`);
        const parallel = page.locator('figure[data-chart-kind=parallel]').first();
        if ((await parallel.count()) > 0) {
          await parallel.scrollIntoViewIfNeeded();
          await expect.poll(() => parallel.getAttribute('data-ready'), { timeout: 20_000 }).toBe('true');
          await screenshot(page, `chart-parallel-${theme}-${width}`);
        }
      }
      await page.goto(`${baseUrl()}/#/runs/${ids[0]}`);
      const runChart = page.locator('figure[data-chart-kind=line]').first();
      await expect.poll(() => runChart.getAttribute('data-ready'), { timeout: 20_000 }).toBe('true');
      await runChart.scrollIntoViewIfNeeded();
      await screenshot(page, `chart-run-page-${theme}-900`);
      await page.evaluate(() => localStorage.removeItem('cairn.theme'));
    }
  });
});
