// The run page in Chromium. A demo run's page shows its params, metrics and git provenance as the
// CLI reports them (`cairn runs show --json`); a CSV and a JSON artifact uploaded through the
// MLflow artifact API preview as a table and as text; a `cairn run` in a scratch git repository
// with an uncommitted change shows its diff, its data hash's file list and its output log. Its
// charts read values from the keyboard and are drawn in the chosen (or the OS's) theme. Every
// run here is this file's own (a demo run only gains artifacts), so other files' expectations hold.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { baseUrl, cairnBinary, screenshot, storePath, useBrowser } from './harness';

interface CliRunDetail {
  run_id: string;
  run_name: string;
  experiment_id: string;
  source_kind: string;
  params: Record<string, string>;
  metric_summaries: { key: string; point_count: number }[];
  git: { commit: string | null; branch: string | null; dirty: boolean | null } | null;
  data: { hash: string; file_count: number }[];
  model_versions: { name: string; version: string; stage: string }[];
}

function cliShow(runId: string): CliRunDetail {
  const out = execFileSync(cairnBinary(), ['runs', 'show', runId, '--store', storePath(), '--json'], { encoding: 'utf8' });
  return JSON.parse(out) as CliRunDetail;
}

function cliRunIds(experiment: string): string[] {
  const out = execFileSync(
    cairnBinary(),
    ['runs', 'list', '--store', storePath(), '--json', '--experiment', experiment, '--limit', '1000'],
    { encoding: 'utf8' },
  );
  return (JSON.parse(out) as { run_id: string }[]).map((run) => run.run_id);
}

/** The steps of a run's metric history, ascending, from the MLflow REST API `cairn serve` speaks. */
async function metricSteps(runId: string, key: string): Promise<number[]> {
  const url = `${baseUrl()}/api/2.0/mlflow/metrics/get-history?run_id=${runId}&metric_key=${encodeURIComponent(key)}`;
  const body = (await (await fetch(url)).json()) as { metrics: { step: number }[] };
  return [...new Set(body.metrics.map((m) => Number(m.step)))].sort((a, b) => a - b);
}

/** A run `cairn demo` made (source `demo`: git provenance, params, metrics) and its experiment. */
function demoRun(): CliRunDetail & { experiment: string } {
  const experiments = JSON.parse(
    execFileSync(cairnBinary(), ['experiments', '--store', storePath(), '--json'], { encoding: 'utf8' }),
  ) as { name: string }[];
  for (const experiment of experiments) {
    for (const runId of cliRunIds(experiment.name)) {
      const detail = cliShow(runId);
      if (detail.source_kind === 'demo' && detail.git?.commit) return { ...detail, experiment: experiment.name };
    }
  }
  throw new Error('the seeded store has no demo run');
}

/** Uploads `body` as the artifact `relative` of a run, as the mlflow client does (PUT). */
async function uploadArtifact(run: CliRunDetail, relative: string, body: string): Promise<void> {
  const url = `${baseUrl()}/api/2.0/mlflow-artifacts/artifacts/${run.experiment_id}/${run.run_id}/artifacts/${relative}`;
  const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = request(url, { method: 'PUT', headers: { 'content-length': Buffer.byteLength(body) } }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
  expect(status, `${url}: ${text}`).toBe(200);
}

function git(cwd: string, ...args: string[]): void {
  execFileSync('git', args, { cwd, stdio: 'ignore' });
}

const open = useBrowser();

describe('the run page', () => {
  it("shows a demo run's params, metrics and provenance as the CLI reports them, and previews its artifacts", async () => {
    const run = demoRun();
    await uploadArtifact(run, 'eval/predictions.csv', 'id,label,note\n1,cat,"a, quoted"\n2,dog,plain\n');
    await uploadArtifact(run, 'config.json', '{"optimizer":{"name":"adam","lr":0.001}}');

    const page = await open(`#/runs/${run.run_id}`);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe(run.run_name);

    const params = page.getByRole('table', { name: 'Params', exact: true });
    for (const [key, value] of Object.entries(run.params)) {
      await expect.poll(() => params.getByRole('row', { name: `${key} ${value}`, exact: true }).count()).toBe(1);
    }
    const metrics = page.getByRole('table', { name: 'Metrics', exact: true });
    for (const metric of run.metric_summaries) {
      await expect.poll(() => metrics.getByRole('cell', { name: metric.key, exact: true }).count()).toBe(1);
      await expect.poll(() => page.getByRole('figure', { name: `Chart of ${metric.key}` }).count()).toBe(1);
    }
    expect(await page.locator('[data-field=commit]').textContent()).toBe(run.git!.commit);
    expect(await page.locator('[data-field=branch]').textContent()).toBe(run.git!.branch);

    // The first metric's chart is drawn (it is on screen) and hovering it reads a value.
    const first = page.getByRole('figure', { name: `Chart of ${run.metric_summaries[0]!.key}` });
    await first.scrollIntoViewIfNeeded();
    await expect.poll(() => first.locator('svg').count()).toBe(1);
    const box = (await first.locator('svg').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await expect.poll(() => first.getByTestId('chart-readout').textContent()).toContain(run.run_name);

    // From the keyboard: Tab to the chart, Home/End and the arrows step the readout from point to
    // point, and screen readers are told each reading.
    const metric = run.metric_summaries[0]!;
    const steps = await metricSteps(run.run_id, metric.key);
    await page.mouse.move(0, 0);
    const slider = first.getByRole('slider', { name: new RegExp(`^Chart of ${metric.key}: `) });
    await slider.focus();
    // Screen readers read a slider's value text as it changes: the whole reading, once.
    const announced = { textContent: () => slider.getAttribute('aria-valuetext') };
    await page.keyboard.press('Home');
    await expect.poll(() => first.getByTestId('chart-readout').textContent()).toContain(`step ${steps[0]}`);
    await expect.poll(() => announced.textContent()).toMatch(new RegExp(`^${metric.key} at step ${steps[0]}: ${run.run_name} `));
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => announced.textContent()).toContain(`at step ${steps[1]}:`);
    expect(await slider.getAttribute('aria-valuenow')).toBe(String(steps[1]));
    await page.keyboard.press('End');
    await expect.poll(() => announced.textContent()).toContain(`at step ${steps[steps.length - 1]}:`);
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => first.getByTestId('chart-readout').textContent()).toContain(`step ${steps[steps.length - 2]}`);
    await screenshot(page, 'run-page-chart-keyboard');
    // Drawn again (here in the other theme, as a live run's new points would), the readout stays
    // where the reader left it.
    const drawn = await first.locator('svg').evaluate((svg) => svg.outerHTML);
    const theme = await page.evaluate(() => document.documentElement.dataset.theme ?? 'light');
    await page.evaluate((next) => (document.documentElement.dataset.theme = next), theme === 'dark' ? 'light' : 'dark');
    await expect.poll(() => first.locator('svg').evaluate((svg) => svg.outerHTML)).not.toBe(drawn);
    await expect.poll(() => first.getByTestId('chart-readout').textContent()).toContain(`step ${steps[steps.length - 2]}`);
    expect(await slider.getAttribute('aria-valuenow')).toBe(String(steps[steps.length - 2]));
    await page.evaluate((previous) => (document.documentElement.dataset.theme = previous), theme);
    await page.keyboard.press('Escape');
    await expect.poll(() => first.getByTestId('chart-readout').count()).toBe(0);
    await page.getByRole('heading', { level: 1 }).scrollIntoViewIfNeeded();
    await screenshot(page, 'run-page');

    // The browser starts on a previewable file; pick the CSV: a table, with the quoted comma kept.
    const tree = page.getByRole('tree', { name: 'Artifact files' });
    await tree.getByRole('button', { name: /predictions\.csv/ }).click();
    const preview = page.getByRole('region', { name: 'Preview of eval/predictions.csv' });
    await expect.poll(() => preview.getByRole('columnheader').allTextContents()).toEqual(['#', 'id', 'label', 'note']);
    await expect.poll(() => preview.getByRole('cell', { name: 'a, quoted', exact: true }).count()).toBe(1);
    await page.getByRole('heading', { name: 'Artifacts' }).scrollIntoViewIfNeeded();
    await screenshot(page, 'run-page-artifact-csv');
    // Only the desktop app may open a file manager: a browser is offered no "Open in folder".
    expect(await page.getByRole('button', { name: 'Open in folder' }).count()).toBe(0);

    await tree.getByRole('button', { name: /config\.json/ }).click();
    const json = page.getByRole('region', { name: 'Preview of config.json' });
    await expect.poll(() => json.locator('pre').textContent()).toContain('"lr": 0.001');
  });

  it('lists the registry versions made from an indexed MLflow run and previews its files in place', async () => {
    const run = cliRunIds('churn-baseline')
      .map(cliShow)
      .find((detail) => detail.model_versions.length > 0);
    expect(run, 'the fixtures register churn-baseline runs as churn-baseline-clf').toBeDefined();
    const page = await open(`#/runs/${run!.run_id}`);
    const versions = page.getByRole('table', { name: 'Registry versions' });
    const expected = run!.model_versions.map((v) => `${v.name} ${v.version} ${v.stage}`);
    await expect
      .poll(async () =>
        (await versions.locator('tbody tr').evaluateAll((rows) =>
          rows.map((row) => [...row.querySelectorAll('td')].slice(0, 3).map((td) => td.textContent?.trim()).join(' ')),
        )),
      )
      .toEqual(expected);
    await expect.poll(() => versions.getByRole('link', { name: run!.model_versions[0]!.name }).getAttribute('href')).toBe(
      `#/models/${run!.model_versions[0]!.name}`,
    );
    // The run's files are read where the MLflow store keeps them.
    const tree = page.getByRole('tree', { name: 'Artifact files' });
    await tree.getByRole('button', { name: /summary\.json/ }).click();
    const preview = page.getByRole('region', { name: 'Preview of summary.json' });
    await expect.poll(() => preview.locator('pre').textContent()).toMatch(/^\{\n {2}"/);
  });

  it('draws its charts in the theme chosen in the settings, and redraws them when it changes', async () => {
    const run = demoRun();
    const page = await open(`#/runs/${run.run_id}`);
    const chart = page.getByRole('figure', { name: `Chart of ${run.metric_summaries[0]!.key}` });
    const background = () => chart.locator('svg > rect').first().getAttribute('fill');
    await expect.poll(background).toBe('#FFFFFF');
    // The OS stays light: only the chosen theme makes the chart dark.
    await page.evaluate(() => localStorage.setItem('cairn.theme', 'dark'));
    await page.reload();
    await expect.poll(background).toBe('#1E1F22');
    await page.evaluate(() => localStorage.removeItem('cairn.theme'));
    await page.emulateMedia({ colorScheme: 'light' });
    await page.reload();
    await expect.poll(background).toBe('#FFFFFF');
    // Following the system, the chart follows the OS switching to dark.
    await page.emulateMedia({ colorScheme: 'dark' });
    await expect.poll(background).toBe('#1E1F22');
  });

  it('opens from the runs table and goes back to it', async () => {
    const run = demoRun();
    const page = await open('#/runs');
    await page.getByRole('button', { name: new RegExp(`^${run.experiment}\\b`) }).first().click();
    const link = page.getByRole('link', { name: run.run_name, exact: true });
    await link.first().click();
    await expect.poll(() => page.evaluate(() => window.location.hash)).toBe(`#/runs/${run.run_id}`);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe(run.run_name);
    await page.getByRole('link', { name: '← Runs' }).click();
    // The runs view writes its place (the experiment chosen) back into the URL.
    await expect.poll(() => page.evaluate(() => window.location.hash)).toMatch(/^#\/runs\?exp=[^/]+$/);
  });

  it('shows the uncommitted diff, data file list and output log of a cairn run', async () => {
    const repo = mkdtempSync(path.join(tmpdir(), 'cairn-e2e-repo-'));
    git(repo, 'init', '-q', '-b', 'main');
    git(repo, 'config', 'user.email', 'e2e@example.com');
    git(repo, 'config', 'user.name', 'E2E');
    writeFileSync(path.join(repo, 'train.py'), 'lr = 0.1\nepochs = 3\n');
    git(repo, 'add', 'train.py');
    git(repo, 'commit', '-q', '-m', 'First model');
    writeFileSync(path.join(repo, 'train.py'), 'lr = 0.01\nepochs = 3\n');
    writeFileSync(path.join(repo, 'scratch.txt'), 'not tracked\n');
    mkdirSync(path.join(repo, 'data'));
    writeFileSync(path.join(repo, 'data', 'a.csv'), 'x\n1\n');
    writeFileSync(path.join(repo, 'data', 'b.csv'), 'x\n2\n');

    const result = spawnSync(
      cairnBinary(),
      [
        'run', '--store', storePath(), '--experiment', 'e2e-run-page', '--name', 'logged-run',
        '--data', 'data', '--system-metrics-interval', '0',
        '--', 'sh', '-c', 'echo "hello from the run"; echo "a warning" >&2',
      ],
      { cwd: repo, encoding: 'utf8' },
    );
    expect(result.status, result.stderr).toBe(0);
    const runId = /run ([0-9a-f]+) in experiment/.exec(result.stderr)?.[1];
    expect(runId, result.stderr).toBeDefined();
    const detail = cliShow(runId!);

    const page = await open(`#/runs/${runId}`);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('logged-run');
    expect(await page.locator('[data-field=branch]').textContent()).toBe('main');
    expect(await page.locator('[data-field=commit]').textContent()).toBe(detail.git!.commit);

    const diffFile = page.getByRole('button', { name: /modified train\.py/ });
    await expect.poll(() => diffFile.count()).toBe(1);
    await expect.poll(() => page.locator('tr.del .code').allTextContents()).toEqual(['−lr = 0.1']);
    await expect.poll(() => page.locator('tr.add .code').allTextContents()).toEqual(['+lr = 0.01']);
    expect(await page.locator('.untracked li').allTextContents()).toContain('scratch.txt');

    await page.getByRole('button', { name: 'Show files' }).click();
    await expect.poll(() => page.getByRole('cell', { name: 'a.csv', exact: true }).count()).toBe(1);
    expect(detail.data[0]!.file_count).toBe(2);

    const log = page.getByLabel('Output log text');
    await expect.poll(() => log.textContent()).toContain('hello from the run');
    expect(await log.textContent()).toContain('a warning');
    await page.getByRole('heading', { name: 'Provenance' }).scrollIntoViewIfNeeded();
    await screenshot(page, 'run-page-provenance');
  });
});
