// Cairn's UI side by side with MLflow's, on the same store contents, in one run. Starts a real
// `cairn serve` and a real `mlflow server` (the venv's mlflow 3.17.2, SQLite backend) on free
// loopback ports, logs the same runs into both through the real mlflow client
// (mlflow_ui_seed.py: 10,000 runs of 3 params and 3 metrics; 10 runs of 2 metrics × 2,000 steps),
// then in Debian's Chromium (1400×900, a fresh browser context — no cache — for every page load)
// measures from navigation start:
//
// - runs table: until the newest of the 10,000 runs (`sweep-09999`; both UIs sort by start time,
//   newest first) is a row in the table. Cairn: `#/runs?exp=<id>`; MLflow: the experiment's runs
//   tab, `#/experiments/<id>/runs?workflowType=machine_learning` (MLflow's ag-grid `.ag-row`).
// - compare: 10 runs' `loss` and `accuracy` charts drawn. Cairn: `#/compare?runs=<10 ids>` until
//   its `cairn:compare-ready` mark (every chart on screen, the tables and the diff painted);
//   MLflow: the experiment's chart view (`compareRunsMode=CHART`, which shows the first 10 runs)
//   until both metric cards hold a Plotly plot with a drawn line for each of the 10 runs.
//
// The page is polled every 5 ms (Cairn's CSP rules out Playwright's waitForFunction), so both sides
// carry the same few ms of polling. Prints a Markdown table of medians (min–max) and the ratio.
// Run from the repository root (scripts/mlflow-venv.sh makes .venv):
//
//     cargo build --release -p cairn-cli && (cd ui && npm run build) && node ui/e2e/bench/mlflow-ui-bench.mjs
//
// CAIRN_BIN overrides the binary; CAIRN_BENCH_RUNS the table's runs (to try the script quickly);
// CAIRN_BENCH_REPETITIONS the page loads per figure (default 7); CAIRN_BENCH_STORES a folder where
// both seeded stores are kept and reused by later runs (seeding MLflow takes minutes).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

const here = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = path.resolve(here, '../../..');
const target = process.env.CARGO_TARGET_DIR ?? path.join(repoRoot, 'target');
const cairn = process.env.CAIRN_BIN ?? path.join(target, 'release', 'cairn');
const python = path.join(repoRoot, '.venv', 'bin', 'python');
const RUNS = Number(process.env.CAIRN_BENCH_RUNS ?? 10_000);
const REPETITIONS = Number(process.env.CAIRN_BENCH_REPETITIONS ?? 7);
const NEWEST = `sweep-${String(RUNS - 1).padStart(5, '0')}`;

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Starts a server and resolves once `healthUrl` answers 200 (120 s at most). */
async function start(name, command, args, healthUrl) {
  const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => {
    log = (log + chunk).slice(-4000);
  });
  let exited = null;
  child.on('exit', (code, signal) => {
    exited = code ?? signal;
  });
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (exited !== null) throw new Error(`${name} exited with ${exited}:\n${log}`);
    const ok = await fetch(healthUrl).then(
      (response) => response.ok,
      () => false,
    );
    if (ok) return child;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  child.kill('SIGTERM');
  throw new Error(`${name} did not answer ${healthUrl} within 120 s:\n${log}`);
}

/** Logs the bench's runs into the server at `url` (once per kept store) and returns their ids. */
function seed(url, idsFile) {
  if (existsSync(idsFile)) return JSON.parse(readFileSync(idsFile, 'utf8'));
  const began = Date.now();
  const result = spawnSync(
    python,
    [path.join(here, 'mlflow_ui_seed.py'), '--tracking-uri', url, '--runs', String(RUNS)],
    { encoding: 'utf8', maxBuffer: 1 << 26 },
  );
  if (result.status !== 0) throw new Error(`seeding ${url} failed:\n${result.stderr.slice(-4000)}`);
  const ids = JSON.parse(result.stdout.trim().split('\n').at(-1));
  writeFileSync(idsFile, JSON.stringify(ids));
  console.error(`seeded ${url} in ${((Date.now() - began) / 1000).toFixed(0)} s`);
  return ids;
}

/** Polls the page until `probe` answers a number (a performance.now() time), 120 s at most. */
async function until(page, probe, argument) {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const value = await page.evaluate(probe, argument);
    if (value !== false) return value;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`nothing ready within 120 s at ${page.url()}`);
}

/** A row whose text holds the run name `name` (both tables put it in a link). */
function rowShown(name) {
  const found = document.evaluate(
    `//a[normalize-space()='${name}']`,
    document,
    null,
    XPathResult.FIRST_ORDERED_NODE_TYPE,
    null,
  ).singleNodeValue;
  return found !== null && found.getClientRects().length > 0 ? performance.now() : false;
}

function cairnCompareReady() {
  const ready = performance.getEntriesByName('cairn:compare-ready')[0];
  return ready === undefined ? false : ready.startTime;
}

/** Both of MLflow's metric cards hold a Plotly plot with a drawn line per run. */
function mlflowChartsReady(runs) {
  const cards = [...document.querySelectorAll('[data-testid="experiment-view-compare-runs-card"]')];
  const drawn = cards.filter((card) => {
    const lines = [...card.querySelectorAll('.js-plotly-plot .scatterlayer .trace path.js-line')];
    return lines.filter((line) => (line.getAttribute('d') ?? '').length > 20).length >= runs;
  });
  return drawn.length >= 2 ? performance.now() : false;
}

async function measure(browser, url, probe, argument) {
  const times = [];
  for (let rep = 0; rep < REPETITIONS; rep++) {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    await page.goto(url);
    times.push(await until(page, probe, argument));
    await context.close();
  }
  return times;
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
function summary(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return `${median(values).toFixed(0)} ms (${sorted[0].toFixed(0)}–${sorted.at(-1).toFixed(0)})`;
}

const keptStores = process.env.CAIRN_BENCH_STORES;
if (keptStores !== undefined) mkdirSync(keptStores, { recursive: true });
const dir = keptStores ?? mkdtempSync(path.join(tmpdir(), 'cairn-mlflow-ui-bench-'));
const load = loadavg()[0];
const servers = [];
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
});
try {
  const cairnPort = await freePort();
  const cairnUrl = `http://127.0.0.1:${cairnPort}`;
  servers.push(
    await start(
      'cairn serve',
      cairn,
      ['serve', '--store', path.join(dir, `cairn-${RUNS}.db`), '--port', String(cairnPort), '--ui-dir', path.join(repoRoot, 'ui', 'dist')],
      `${cairnUrl}/health`,
    ),
  );
  const mlflowPort = await freePort();
  const mlflowUrl = `http://127.0.0.1:${mlflowPort}`;
  servers.push(
    await start(
      'mlflow server',
      python,
      [
        '-m', 'mlflow', 'server',
        '--backend-store-uri', `sqlite:///${path.join(dir, `mlflow-${RUNS}.db`)}`,
        '--default-artifact-root', path.join(dir, 'mlflow-artifacts'),
        '--host', '127.0.0.1', '--port', String(mlflowPort),
      ],
      `${mlflowUrl}/health`,
    ),
  );
  const cairnIds = seed(cairnUrl, path.join(dir, `cairn-${RUNS}.json`));
  const mlflowIds = seed(mlflowUrl, path.join(dir, `mlflow-${RUNS}.json`));

  const figures = [
    [
      `runs table of ${RUNS.toLocaleString('en-US')} runs`,
      await measure(browser, `${cairnUrl}/#/runs?exp=${cairnIds.table_experiment}`, rowShown, NEWEST),
      await measure(
        browser,
        `${mlflowUrl}/#/experiments/${mlflowIds.table_experiment}/runs?workflowType=machine_learning`,
        rowShown,
        NEWEST,
      ),
    ],
    [
      'compare of 10 runs × 2 metrics × 2,000 steps',
      await measure(browser, `${cairnUrl}/#/compare?runs=${cairnIds.compare_runs.join(',')}`, cairnCompareReady),
      await measure(
        browser,
        `${mlflowUrl}/#/experiments/${mlflowIds.compare_experiment}/runs?workflowType=machine_learning&compareRunsMode=CHART`,
        mlflowChartsReady,
        mlflowIds.compare_runs.length,
      ),
    ],
  ];
  console.log('| figure | Cairn | MLflow 3.17.2 | MLflow ÷ Cairn |');
  console.log('|---|---|---|---|');
  for (const [name, ours, theirs] of figures) {
    console.log(`| ${name} | ${summary(ours)} | ${summary(theirs)} | ${(median(theirs) / median(ours)).toFixed(1)}× |`);
  }
  console.log(
    `\nmedian (min–max) of ${REPETITIONS} cold page loads each; cairn: ${cairn}; load average ${load.toFixed(2)} at the start`,
  );
} finally {
  await browser.close();
  for (const child of servers) child.kill('SIGTERM');
  if (keptStores === undefined) rmSync(dir, { recursive: true, force: true });
}
