// The compare view in Chromium: three demo runs of one experiment, their overlay charts (one
// line per run, in the run's colour), the params table (only differences by default), the code
// diff of two runs, the hover readout, and an unknown run id reported in place. Expectations
// come from the CLI (`cairn runs list --json`), a separate path to the same store.
import { execFileSync } from 'node:child_process';

import { describe, expect, it } from 'vitest';

import { cairnBinary, screenshot, storePath, useBrowser } from './harness';

interface CliRun {
  run_id: string;
  run_name: string;
  git_commit: string | null;
  git_dirty: boolean | null;
  params: Record<string, string>;
  metrics: Record<string, number | string>;
}

function cliRuns(experiment: string): CliRun[] {
  const args = ['runs', 'list', '--store', storePath(), '--json', '--experiment', experiment, '--limit', '100'];
  return JSON.parse(execFileSync(cairnBinary(), args, { encoding: 'utf8' })) as CliRun[];
}

/** Some but not all params differ among `runs`. */
function someParamsDiffer(runs: CliRun[]): boolean {
  const keys = [...new Set(runs.flatMap((run) => Object.keys(run.params)))];
  const differs = keys.map((key) => new Set(runs.map((run) => run.params[key] ?? null)).size > 1);
  return differs.includes(true) && differs.includes(false);
}

/** Three mnist runs sharing some params but not all; the first two from different commits. */
function pickRuns(): CliRun[] {
  const runs = cliRuns('mnist-cnn');
  for (const a of runs) {
    for (const b of runs) {
      if (b.git_commit === a.git_commit) continue;
      for (const c of runs) {
        if (c === a || c === b) continue;
        if (someParamsDiffer([a, b, c])) return [a, b, c];
      }
    }
  }
  throw new Error('the demo has no three mnist-cnn runs sharing some params across two commits');
}

const open = useBrowser();

describe('compare view', () => {
  it('overlays one line per run, diffs params and code, and reads values under the cursor', async () => {
    const runs = pickRuns();
    const page = await open(`#/compare?runs=${runs.map((run) => run.run_id).join(',')}`);

    // Chips, in the order asked.
    const chips = page.locator('.chips .chip');
    await expect.poll(() => chips.count()).toBe(3);
    expect(await chips.evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-run-id')))).toEqual(
      runs.map((run) => run.run_id),
    );
    const colours = await chips.evaluateAll((nodes) =>
      nodes.map((node) => getComputedStyle(node).getPropertyValue('--run').trim().toLowerCase()),
    );

    // One chart per metric; each draws a line in every run's colour.
    const metricKeys = [...new Set(runs.flatMap((run) => Object.keys(run.metrics)))].sort();
    const charts = page.locator('figure[data-chart-kind=line]');
    await expect.poll(() => charts.count()).toBe(metricKeys.length);
    expect(await charts.evaluateAll((nodes) => nodes.map((node) => node.getAttribute('aria-label')))).toEqual(metricKeys);
    const first = charts.first();
    await expect.poll(() => first.locator('svg polyline').count()).toBeGreaterThanOrEqual(3);
    const strokes = await first
      .locator('svg polyline')
      .evaluateAll((lines) => lines.map((line) => (line.getAttribute('stroke') ?? '').toLowerCase()));
    for (const colour of colours) expect(strokes).toContain(colour);

    // Params: only the differing ones by default, all of them when the toggle is off.
    const paramKeys = [...new Set(runs.flatMap((run) => Object.keys(run.params)))].sort();
    const differing = paramKeys.filter((key) => new Set(runs.map((run) => run.params[key] ?? null)).size > 1);
    expect(differing.length).toBeGreaterThan(0);
    expect(differing.length).toBeLessThan(paramKeys.length);
    const paramRows = page.locator('[data-testid=params-table] tbody tr[data-param]');
    const shownParams = () => paramRows.evaluateAll((rows) => rows.map((row) => row.getAttribute('data-param')));
    await expect.poll(shownParams).toEqual(differing);
    await page.getByTestId('only-differences').uncheck();
    await expect.poll(shownParams).toEqual(paramKeys);
    await page.getByTestId('only-differences').check();
    await expect.poll(shownParams).toEqual(differing);

    // The code diff of A and B (the first two runs by default).
    const diff = page.getByTestId('run-diff');
    const [a, b] = runs as [CliRun, CliRun];
    const label = (run: CliRun) => `${run.git_commit}${run.git_dirty ? '+dirty' : ''}`;
    if (a.git_commit !== b.git_commit) {
      await expect.poll(() => diff.locator('pre .del').first().textContent()).toBe(`- commit ${label(a)}`);
      await expect.poll(() => diff.locator('pre .add').first().textContent()).toBe(`+ commit ${label(b)}`);
    }
    const lr = differing.includes('lr') ? 'lr' : differing[0]!;
    await expect.poll(() => diff.textContent()).toContain(`- ${lr} = ${a.params[lr]}`);
    await expect.poll(() => diff.textContent()).toContain(`+ ${lr} = ${b.params[lr]}`);

    // Hovering early in training (every run has points there) shows each run's value.
    const image = first.locator('.image');
    await image.scrollIntoViewIfNeeded();
    const box = (await image.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.25, box.y + box.height * 0.5);
    const readout = first.getByTestId('chart-readout');
    await expect.poll(() => readout.isVisible()).toBe(true);
    const text = (await readout.textContent()) ?? '';
    expect(text).toMatch(/step \d/);
    for (const run of runs) expect(text).toContain(run.run_name);
    await screenshot(page, 'compare-three-runs');

    // Removing a chip compares the rest.
    await chips.nth(2).getByRole('button').click();
    await expect.poll(() => page.locator('.chips .chip').count()).toBe(2);
    expect(page.url()).toContain(`runs=${a.run_id},${b.run_id}`);
  });

  it('follows the theme chosen for the page: run colours and charts switch to the dark palette', async () => {
    const runs = pickRuns();
    const ids = runs.map((run) => run.run_id);
    const page = await open(`#/compare?runs=${ids.join(',')}`);
    const chips = page.locator('.chips .chip');
    await expect.poll(() => chips.count()).toBe(3);
    const chipColours = () =>
      chips.evaluateAll((nodes) => nodes.map((node) => getComputedStyle(node).getPropertyValue('--run').trim().toLowerCase()));
    const palette = await page.evaluate(async (runIds) => {
      const reply = await fetch('/app/api/compare_runs', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ runIds }),
      });
      const body = (await reply.json()) as { runs: { colour_light: string; colour_dark: string }[] };
      return body.runs.map((run) => ({ light: run.colour_light.toLowerCase(), dark: run.colour_dark.toLowerCase() }));
    }, ids);
    const light = palette.map((colours) => colours.light);
    const dark = palette.map((colours) => colours.dark);
    expect(dark).not.toEqual(light);

    // The page's own theme (what Settings → Theme sets), not the OS's.
    await page.evaluate(() => (document.documentElement.dataset.theme = 'light'));
    await expect.poll(chipColours).toEqual(light);
    await page.evaluate(() => (document.documentElement.dataset.theme = 'dark'));
    await expect.poll(chipColours).toEqual(dark);
    const first = page.locator('figure[data-chart-kind=line]').first();
    await expect
      .poll(async () => {
        const strokes = await first
          .locator('svg polyline')
          .evaluateAll((lines) => lines.map((line) => (line.getAttribute('stroke') ?? '').toLowerCase()));
        return dark.every((colour) => strokes.includes(colour));
      })
      .toBe(true);
  });

  it('reports an unknown run in place and offers to drop it', async () => {
    const [run] = pickRuns();
    const page = await open(`#/compare?runs=${run!.run_id},no-such-run`);
    const alert = page.getByRole('alert');
    await expect.poll(() => alert.textContent()).toContain('no-such-run');
    await alert.getByRole('button', { name: 'Compare without no-such-run' }).click();
    await expect.poll(() => page.locator('.chips .chip').count()).toBe(1);
  });
});
