// How long the compare view of 20 demo runs takes to show: opens `#/compare?runs=<20 ids>` in
// Chromium against the seeded `cairn serve` five times (a fresh page each time) and prints, per
// run, the time from navigation to the view's `cairn:compare-ready` mark (tables and every
// chart on screen drawn) and the view's own part (`cairn:compare`: from asking for the runs
// to ready). Measures only; it asserts nothing about time.
import { execFileSync } from 'node:child_process';

import type { Page } from 'playwright-core';
import { it } from 'vitest';

import { cairnBinary, storePath, useBrowser } from '../harness';

const RUNS = 20;
const REPEATS = 5;

function demoRunIds(): string[] {
  const ids: string[] = [];
  for (const experiment of ['mnist-cnn', 'cifar10-resnet', 'imdb-sentiment']) {
    const out = execFileSync(
      cairnBinary(),
      ['runs', 'list', '--store', storePath(), '--json', '--experiment', experiment, '--limit', String(RUNS)],
      { encoding: 'utf8' },
    );
    ids.push(...(JSON.parse(out) as { run_id: string }[]).map((run) => run.run_id));
  }
  return ids.slice(0, RUNS);
}

/** Polls for the view's ready mark (the page's CSP rules out Playwright's waitForFunction). */
async function waitForReady(page: Page): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (await page.evaluate(() => performance.getEntriesByName('cairn:compare-ready').length > 0)) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`the compare view did not become ready within 60 s (${page.url()})`);
}

const open = useBrowser();

it(`compare view of ${RUNS} runs`, async () => {
  const ids = demoRunIds();
  if (ids.length < RUNS) throw new Error(`the demo store has only ${ids.length} runs`);
  const rows: {
    attempt: number;
    ready_ms: number;
    view_ms: number;
    compare_runs_ms: number;
    slowest_chart_ms: number;
    charts: number;
    svg_lines: number;
  }[] = [];
  for (let attempt = 1; attempt <= REPEATS; attempt++) {
    const page = await open(`#/compare?runs=${ids.join(',')}`);
    await waitForReady(page);
    const timing = await page.evaluate(() => ({
      ready: performance.getEntriesByName('cairn:compare-ready')[0]!.startTime,
      view: performance.getEntriesByName('cairn:compare')[0]?.duration ?? NaN,
      charts: document.querySelectorAll('figure[data-chart-kind] svg').length,
      lines: document.querySelectorAll('figure[data-chart-kind=line] svg polyline').length,
      api: performance
        .getEntriesByType('resource')
        .filter((entry): entry is PerformanceResourceTiming => entry.name.includes('/app/api/'))
        .map((entry) => ({ name: entry.name.split('/').pop() ?? '', start: entry.startTime, end: entry.responseEnd })),
    }));
    const chartCalls = timing.api.filter((call) => call.name === 'line_chart');
    const compareCall = timing.api.find((call) => call.name === 'compare_runs');
    rows.push({
      attempt,
      ready_ms: Math.round(timing.ready),
      view_ms: Math.round(timing.view),
      compare_runs_ms: Math.round(compareCall ? compareCall.end - compareCall.start : NaN),
      slowest_chart_ms: Math.round(Math.max(...chartCalls.map((call) => call.end - call.start))),
      charts: timing.charts,
      svg_lines: timing.lines,
    });
    await page.close();
  }
  const sorted = (key: 'ready_ms' | 'view_ms') => rows.map((row) => row[key]).sort((a, b) => a - b);
  const median = (values: number[]) => values[Math.floor(values.length / 2)]!;
  console.log(`\ncompare view of ${RUNS} runs (${REPEATS} page loads)`);
  console.table(rows);
  console.log(
    `median: ${median(sorted('ready_ms'))} ms from navigation to ready, ` +
      `${median(sorted('view_ms'))} ms in the view (runs, charts on screen, diff)`,
  );
});
