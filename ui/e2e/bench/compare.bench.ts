// How long the compare view of 20 demo runs takes to show. Opens `#/compare?runs=<20 ids>` in
// Chromium (1400×900) against the seeded `cairn serve` seven times, a fresh page each time, and
// prints per page load and as medians (min–max):
//
// - ready: navigation start → the view's `cairn:compare-ready` mark. "Ready" means everything the
//   window shows is drawn: the run chips, every chart on screen or within 200 px of it (the line
//   chart of each metric; charts further down load as they are scrolled to and are not waited
//   for), the params and metrics tables, and the diff of the first two runs are in the page, and
//   the browser has painted that frame.
// - view: the view's own part (`cairn:compare`: from asking for the runs to ready).
// - boot: navigation start → the view asking for the runs (HTML, the script bundle, mounting).
// - compare_runs, the slowest line_chart: request → response as the browser saw it, and the
//   server's own time for the command (its Server-Timing `run`).
// - requests and bytes of the API calls up to ready.
//
// Measures only; it asserts nothing about time. Run from ui/ (release build of cairn by default):
//
//     cargo build --release -p cairn-cli && npm run build && npm run bench:compare
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';

import type { Page } from 'playwright-core';
import { it } from 'vitest';

import { cairnBinary, storePath, useBrowser } from '../harness';

const RUNS = 20;
const REPEATS = 7;

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

interface Row {
  ready_ms: number;
  view_ms: number;
  boot_ms: number;
  compare_runs_ms: number;
  compare_runs_server_ms: number;
  slowest_chart_ms: number;
  slowest_chart_server_ms: number;
  charts: number;
  requests: number;
  api_kb: number;
}

const open = useBrowser();

it(`compare view of ${RUNS} runs`, async () => {
  const ids = demoRunIds();
  if (ids.length < RUNS) throw new Error(`the demo store has only ${ids.length} runs`);
  const load = loadavg()[0]!;
  const rows: Row[] = [];
  for (let attempt = 1; attempt <= REPEATS; attempt++) {
    const page = await open(`#/compare?runs=${ids.join(',')}`);
    await waitForReady(page);
    const timing = await page.evaluate(() => {
      const ready = performance.getEntriesByName('cairn:compare-ready')[0]!.startTime;
      return {
        ready,
        view: performance.getEntriesByName('cairn:compare')[0]?.duration ?? NaN,
        boot: performance.getEntriesByName('cairn:compare-start')[0]?.startTime ?? NaN,
        charts: document.querySelectorAll('figure[data-chart-kind] svg').length,
        api: performance
          .getEntriesByType('resource')
          .filter((entry): entry is PerformanceResourceTiming => entry.name.includes('/app/api/'))
          .filter((entry) => entry.startTime < ready)
          .map((entry) => ({
            name: entry.name.split('/').pop() ?? '',
            ms: entry.responseEnd - entry.startTime,
            server: entry.serverTiming.find((t) => t.name === 'run')?.duration ?? NaN,
            bytes: entry.decodedBodySize,
          })),
      };
    });
    const charts = timing.api.filter((call) => call.name === 'line_chart');
    const slowest = charts.reduce((a, b) => (b.ms > a.ms ? b : a), charts[0] ?? { ms: NaN, server: NaN });
    const compare = timing.api.find((call) => call.name === 'compare_runs');
    rows.push({
      ready_ms: Math.round(timing.ready),
      view_ms: Math.round(timing.view),
      boot_ms: Math.round(timing.boot),
      compare_runs_ms: Math.round(compare?.ms ?? NaN),
      compare_runs_server_ms: Number((compare?.server ?? NaN).toFixed(1)),
      slowest_chart_ms: Math.round(slowest.ms),
      slowest_chart_server_ms: Number(slowest.server.toFixed(1)),
      charts: timing.charts,
      requests: timing.api.length,
      api_kb: Math.round(timing.api.reduce((sum, call) => sum + call.bytes, 0) / 1024),
    });
    await page.close();
  }
  const summary = (key: keyof Row) => {
    const values = rows.map((row) => row[key]).sort((a, b) => a - b);
    return `${values[Math.floor(values.length / 2)]} (${values[0]}–${values.at(-1)})`;
  };
  const binary = cairnBinary();
  console.log(`\ncompare view of ${RUNS} runs, ${REPEATS} page loads; cairn: ${binary}; load average ${load.toFixed(2)}`);
  if (!binary.split(/[\\/]/).includes('release')) console.log('note: this cairn is not a release build');
  console.table(rows);
  console.log('| figure | median (min–max) |');
  console.log('|---|---|');
  for (const key of Object.keys(rows[0]!) as (keyof Row)[]) console.log(`| ${key} | ${summary(key)} |`);
});
