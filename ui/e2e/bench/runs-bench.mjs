// Measures the runs view in Chromium against `cairn serve` (release build) on stores of 10,000
// and 100,000 runs (`cairn demo --sweep N`), 7 repetitions each, a fresh browser context each:
//
// - cold start → interactive: navigation start → the view's `cairn:interactive` mark (the first
//   rows are in the page, the filter box ready);
// - filter Enter → updated table: Enter in the filter box → the next `cairn:rows-shown` mark (the
//   new first rows and the new count are in the page);
// - … → painted: the same, to `cairn:rows-painted`, once the browser has painted that frame;
// - list_runs on the server: the command's own time for that filter (its Server-Timing `run`).
//
// Prints a Markdown table of medians (min–max) and the machine's load average. Run from the
// repository root:
//
//     cargo build --release -p cairn-cli && (cd ui && npm run build) && node ui/e2e/bench/runs-bench.mjs
//
// CAIRN_BIN overrides the binary; CAIRN_BENCH_SIZES the store sizes (comma-separated);
// CAIRN_BENCH_STORES a folder where the seeded stores are kept and reused by later runs.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

const repoRoot = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
const target = process.env.CARGO_TARGET_DIR ?? path.join(repoRoot, 'target');
const cairn = process.env.CAIRN_BIN ?? path.join(target, 'release', 'cairn');
const sizes = (process.env.CAIRN_BENCH_SIZES ?? '10000,100000').split(',').map(Number);
const REPETITIONS = 7;
const keptStores = process.env.CAIRN_BENCH_STORES;
const FILTERS = [
  'metrics.val_acc > 0.5',
  "params.optimizer = 'adam'",
  "metrics.f1 > 0.9 and params.lr = '0.01'",
  "params.batch_size = '64' or metrics.val_loss < 0.1",
  'metrics.val_acc > 0.99',
];

function seed(store, runs) {
  const result = spawnSync(cairn, ['demo', '--store', store, '--sweep', String(runs)], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`seeding ${runs} runs failed:\n${result.stderr}`);
  return result.stdout.trim();
}

function serve(store) {
  const child = spawn(cairn, ['serve', '--store', store, '--port', '0', '--ui-dir', path.join(repoRoot, 'ui', 'dist')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let seen = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk) => {
      seen += chunk;
      // Wait for the character after the URL: stderr may arrive split in the middle of it.
      const match = /listening on (http:\/\/[^\s)]+)[\s)]/.exec(seen);
      if (match) resolve({ url: match[1], child });
    });
    child.on('exit', (code, signal) => {
      if (!child.stopping) console.error(`cairn serve exited unexpectedly (${code ?? signal})`);
      reject(new Error(`cairn serve exited with ${code ?? signal}:\n${seen}`));
    });
  });
}

async function waitForMark(page, name, after) {
  return page.waitForFunction(
    ([mark, since]) => {
      const entries = performance.getEntriesByName(mark).filter((entry) => entry.startTime > since);
      return entries.length > 0 ? entries[0].startTime : false;
    },
    [name, after],
    { timeout: 60_000, polling: 'raf' },
  ).then((handle) => handle.jsonValue());
}

function summary(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  return `${median.toFixed(0)} ms (${sorted[0].toFixed(0)}–${sorted.at(-1).toFixed(0)})`;
}

const rows = [];
const loads = [];
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
});
try {
  for (const runs of sizes) {
    if (keptStores !== undefined) mkdirSync(keptStores, { recursive: true });
    const dir = keptStores ?? mkdtempSync(path.join(tmpdir(), 'cairn-bench-'));
    const store = path.join(dir, keptStores !== undefined ? `runs-${runs}.db` : 'cairn.db');
    if (!existsSync(store)) {
      const seeded = Date.now();
      seed(store, runs);
      console.error(`seeded ${runs} runs in ${((Date.now() - seeded) / 1000).toFixed(1)} s`);
    }
    loads.push(loadavg()[0]);
    const { url, child } = await serve(store);
    try {
      const coldStarts = [];
      const filterTimes = [];
      const paintTimes = [];
      const serverTimes = [];
      for (let rep = 0; rep < REPETITIONS; rep++) {
        // A fresh context: no cache, no storage — a cold start of the UI.
        const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
        const page = await context.newPage();
        const failWith = async (stage, error) => {
          const text = ((await page.textContent('body').catch(() => '')) ?? '').replace(/\s+/g, ' ').slice(0, 400);
          throw new Error(`${runs} runs, repetition ${rep + 1}, ${stage}: ${error.message}\npage: ${text}`);
        };
        await page.goto(`${url}/#/runs`);
        coldStarts.push(await waitForMark(page, 'cairn:interactive', -1).catch((error) => failWith('cold start', error)));

        const box = page.getByLabel('Filter runs');
        await box.fill(FILTERS[rep % FILTERS.length]);
        await page.evaluate(() => {
          const input = document.getElementById('runs-filter');
          input.addEventListener(
            'keydown',
            (event) => {
              if (event.key === 'Enter') window.__enterAt = performance.now();
            },
            { once: true, capture: true },
          );
        });
        await box.press('Enter');
        const enterAt = await page.waitForFunction(() => window.__enterAt ?? false).then((h) => h.jsonValue());
        const shownAt = await waitForMark(page, 'cairn:rows-shown', enterAt).catch((error) => failWith('filter', error));
        const paintedAt = await waitForMark(page, 'cairn:rows-painted', enterAt).catch((error) => failWith('paint', error));
        filterTimes.push(shownAt - enterAt);
        paintTimes.push(paintedAt - enterAt);
        serverTimes.push(
          await page.evaluate((since) => {
            const call = performance
              .getEntriesByType('resource')
              .find((entry) => entry.name.endsWith('/app/api/list_runs') && entry.startTime >= since);
            return call?.serverTiming.find((timing) => timing.name === 'run')?.duration ?? NaN;
          }, enterAt),
        );
        await context.close();
      }
      rows.push([
        `${runs.toLocaleString('en-US')} runs`,
        summary(coldStarts),
        summary(filterTimes),
        summary(paintTimes),
        summary(serverTimes),
      ]);
    } finally {
      child.stopping = true;
      child.kill('SIGTERM');
      if (keptStores === undefined) rmSync(dir, { recursive: true, force: true });
    }
  }
} finally {
  await browser.close();
}

console.log('| store | cold start → interactive | filter Enter → updated table | … → painted | list_runs on the server |');
console.log('|---|---|---|---|---|');
for (const row of rows) console.log(`| ${row.join(' | ')} |`);
console.log(
  `\nmedian (min–max) of ${REPETITIONS} repetitions; cairn: ${cairn}; ` +
    `load average ${loads.map((load) => load.toFixed(2)).join(', ')} (at the start of each store)`,
);
