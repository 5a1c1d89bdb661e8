// Measures zooming a compare chart in Chromium against `cairn serve` (release build): 10 runs ×
// 1,000,000 points of one metric (Keras CSV logs written here and read by `cairn index`), the
// compare view of the 10 runs at 1400 px, then 7 times: double-click back to everything, drag
// across 1% of the first chart's plot, and time from the mouse release to the zoomed chart on
// screen (the `cairn:chart-zoom-drawn` mark, set on the frame after the new SVG is in the
// page), with the server's own time for that `line_chart` (its Server-Timing `run`).
//
// Prints medians (min–max), the range zoomed into, the points drawn from it and the machine's
// load average. Run from the repository root:
//
//     cargo build --release -p cairn-cli && (cd ui && npm run build) && node ui/e2e/bench/zoom-bench.mjs
//
// CAIRN_BIN overrides the binary; CAIRN_BENCH_POINTS the points per run (to try the script
// quickly); CAIRN_BENCH_STORES a folder where the seeded store is kept
// and reused by later runs.
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

const repoRoot = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
const target = process.env.CARGO_TARGET_DIR ?? path.join(repoRoot, 'target');
const cairn = process.env.CAIRN_BIN ?? path.join(target, 'release', 'cairn');
const RUNS = 10;
const POINTS = Number(process.env.CAIRN_BENCH_POINTS ?? 1_000_000);
const REPETITIONS = 7;
const EXPERIMENT = 'zoom-bench';

/** Writes `runs` Keras CSV logs of `points` rows of `loss`, each with a one-step spike. */
async function writeLogs(folder) {
  mkdirSync(folder, { recursive: true });
  for (let run = 0; run < RUNS; run++) {
    const out = createWriteStream(path.join(folder, `run-${String(run).padStart(2, '0')}.csv`));
    const spike = 100_000 + run * 77_777;
    let chunk = 'epoch,loss\n';
    for (let step = 0; step < POINTS; step++) {
      const value = step === spike ? 10 : 2 / (1 + step * 1e-5) + ((step * 7919 + run * 31) % 1000) / 20_000;
      chunk += `${step},${value.toFixed(6)}\n`;
      if (chunk.length > 1 << 20) {
        if (!out.write(chunk)) await new Promise((resolve) => out.once('drain', resolve));
        chunk = '';
      }
    }
    out.end(chunk);
    await new Promise((resolve) => out.once('finish', resolve));
  }
}

function cli(args) {
  const result = spawnSync(cairn, args, { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (result.status !== 0) throw new Error(`cairn ${args.join(' ')} failed:\n${result.stderr}`);
  return result.stdout;
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
      const match = /listening on (http:\/\/[^\s)]+)[\s)]/.exec(seen);
      if (match) resolve({ url: match[1], child });
    });
    child.on('exit', (code, signal) => reject(new Error(`cairn serve exited with ${code ?? signal}:\n${seen}`)));
  });
}

/** Polls the page until `probe` returns something other than false (60 s at most). */
async function until(page, probe, argument) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const value = await page.evaluate(probe, argument);
    if (value !== false) return value;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`timed out waiting on ${page.url()}`);
}

function summary(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  return `${median.toFixed(0)} ms (${sorted[0].toFixed(0)}–${sorted.at(-1).toFixed(0)})`;
}

const dir = process.env.CAIRN_BENCH_STORES ?? mkdtempSync(path.join(tmpdir(), 'cairn-zoom-bench-'));
mkdirSync(dir, { recursive: true });
const store = path.join(dir, 'zoom.db');
if (!existsSync(store)) {
  const started = Date.now();
  const logs = path.join(dir, EXPERIMENT);
  await writeLogs(logs);
  cli(['index', logs, '--store', store]);
  console.error(`seeded ${RUNS} × ${POINTS} points in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
const ids = JSON.parse(cli(['runs', 'list', '--store', store, '--json', '--limit', '100']))
  .map((run) => run.run_id)
  .slice(0, RUNS);
if (ids.length < RUNS) throw new Error(`the store has ${ids.length} runs, not ${RUNS}`);

const load = loadavg()[0];
const { url, child } = await serve(store);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(`${url}/#/compare?runs=${ids.join(',')}`);
  const chart = page.locator('figure[data-chart-kind=line]').first();
  const image = chart.locator('.image[role=slider]');
  await image.waitFor({ timeout: 120_000 });
  await page.evaluate(() =>
    window.addEventListener('pointerup', () => (window.__upAt = performance.now()), { capture: true }),
  );
  const times = [];
  const server = [];
  let zoomed = '';
  let points = '';
  for (let rep = 0; rep < REPETITIONS; rep++) {
    const box = await image.boundingBox();
    const y = box.y + box.height / 2;
    if ((await image.getAttribute('data-zoomed')) !== null) {
      await page.mouse.dblclick(box.x + box.width / 2, y);
      await until(page, () => document.querySelector('[data-zoomed]') === null && !document.querySelector('.image.stale'));
    }
    // The plot spans the image less the y axis (about 90 px) and the right margin (about 12).
    const plot = box.width - 102;
    const from = box.x + 90 + plot * (0.3 + rep * 0.05);
    await page.mouse.move(from, y);
    await page.mouse.down();
    await page.mouse.move(from + plot * 0.01, y, { steps: 2 });
    await page.mouse.up();
    const upAt = await until(page, () => window.__upAt ?? false);
    const drawnAt = await until(
      page,
      (since) => performance.getEntriesByName('cairn:chart-zoom-drawn').find((mark) => mark.startTime > since)?.startTime ?? false,
      upAt,
    );
    times.push(drawnAt - upAt);
    server.push(
      await page.evaluate((since) => {
        const call = performance
          .getEntriesByType('resource')
          .filter((entry) => entry.name.endsWith('/app/api/line_chart') && entry.startTime >= since)
          .at(-1);
        return call?.serverTiming.find((timing) => timing.name === 'run')?.duration ?? NaN;
      }, upAt),
    );
    zoomed = (await image.getAttribute('data-zoomed')) ?? '';
    points = (await chart.locator('[data-testid=chart-points]').textContent()) ?? '';
    await page.evaluate(() => (window.__upAt = undefined));
  }
  console.log(`zoom into 1% of ${RUNS} runs × ${POINTS.toLocaleString('en-US')} points (load average ${load.toFixed(1)})`);
  console.log(`| mouse release → zoomed chart drawn | line_chart on the server | last range | points in it |`);
  console.log(`|---|---|---|---|`);
  console.log(`| ${summary(times)} | ${summary(server)} | ${zoomed.replace(' ', '–')} | ${points} |`);
} finally {
  await browser.close();
  child.kill();
}
