// The same UI on a team server: a laptop's store (`cairn demo`) copied with `cairn store copy`
// into PostgreSQL and an S3 bucket, and served by `cairn serve --database ... --artifacts
// s3://...`. Its runs table shows what the store file's own server shows; an artifact uploaded
// through it previews from the bucket; a metric logged over REST reaches the open table (live
// updates come from PostgreSQL's LISTEN/NOTIFY there, not SQLite's data_version).
import type { ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { cairnBinary, screenshot, useBrowser } from './harness';
import { startServer, startServerOn, stopServer } from './server';
import { S3_BUCKET, startTeamBackends, type TeamBackends } from './team-backends';

const EXPERIMENT = 'mnist-cnn';

let dir = '';
let backends: TeamBackends | undefined;
const servers: ChildProcess[] = [];
let laptopUrl = '';
let teamUrl = '';

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'cairn-e2e-team-'));
  const laptop = path.join(dir, 'laptop.db');
  execFileSync(cairnBinary(), ['demo', '--store', laptop], { stdio: 'ignore' });
  backends = await startTeamBackends(dir, `cairn_e2e_team_${process.pid}`);
  const artifacts = `s3://${S3_BUCKET}/e2e-${process.pid}`;
  const copied = JSON.parse(
    execFileSync(
      cairnBinary(),
      ['store', 'copy', laptop, backends.database, '--destination-artifacts', artifacts, '--json'],
      { encoding: 'utf8', env: { ...process.env, ...backends.s3Env } },
    ),
  ) as { verified: boolean };
  expect(copied.verified).toBe(true);
  const fromFile = await startServer(cairnBinary(), laptop, path.join(dir, 'laptop-config'));
  servers.push(fromFile.child);
  laptopUrl = fromFile.url;
  const team = await startServerOn(
    cairnBinary(),
    ['--database', backends.database, '--artifacts', artifacts],
    path.join(dir, 'team-config'),
    [],
    backends.s3Env,
  );
  servers.push(team.child);
  teamUrl = team.url;
});

afterAll(async () => {
  for (const child of servers) await stopServer(child);
  // SIGTERM ends either server cleanly (the team one closes its PostgreSQL connections).
  expect(servers.map((child) => child.exitCode)).toEqual(servers.map(() => 0));
  backends?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function teamApi(method: string, endpoint: string, body?: object): Promise<Record<string, unknown>> {
  const response = await fetch(`${teamUrl}/api/2.0/mlflow/${endpoint}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await response.json()) as Record<string, unknown>;
  if (!response.ok) throw new Error(`${endpoint}: ${JSON.stringify(json)}`);
  return json;
}

interface ApiRun {
  info: { run_id: string; experiment_id: string; run_name: string };
}

async function newestRun(): Promise<ApiRun['info']> {
  const found = (await teamApi('GET', `experiments/get-by-name?experiment_name=${EXPERIMENT}`)) as {
    experiment: { experiment_id: string };
  };
  const page = (await teamApi('POST', 'runs/search', {
    experiment_ids: [found.experiment.experiment_id],
    max_results: 1,
  })) as { runs: ApiRun[] };
  return page.runs[0]!.info;
}

/** Every row of the runs table as the text of its cells, top to bottom. */
async function tableText(page: Page): Promise<string[][]> {
  return page.locator('[role=table] .row').evaluateAll((rows) =>
    rows.map((row) => Array.from(row.querySelectorAll('[role=cell]'), (cell) => (cell.textContent ?? '').trim())),
  );
}

async function headers(page: Page): Promise<string[]> {
  return page.locator('[role=columnheader] .key').allTextContents();
}

async function openExperiment(page: Page): Promise<void> {
  await page.getByRole('button', { name: new RegExp(`^${EXPERIMENT}\\b`) }).first().click();
  await expect.poll(async () => (await tableText(page)).length).toBeGreaterThan(10);
}

/**
 * The runs table once it has stopped changing: the rows in the DOM are those in view, and the
 * view is measured after the first rows render, so one read alone may catch fewer rows than the
 * table settles on.
 */
async function settledTable(page: Page): Promise<string[][]> {
  let last = JSON.stringify(await tableText(page));
  await expect
    .poll(async () => {
      await page.waitForTimeout(300);
      const now = JSON.stringify(await tableText(page));
      const same = now === last;
      last = now;
      return same;
    })
    .toBe(true);
  return JSON.parse(last) as string[][];
}

const open = useBrowser();

describe('a team server on PostgreSQL and S3', () => {
  it('shows the runs table the store file it was copied from shows', async () => {
    const onFile = await open('#/runs', laptopUrl);
    await openExperiment(onFile);
    const expected = await settledTable(onFile);
    const expectedHeaders = await headers(onFile);

    const onTeam = await open('#/runs', teamUrl);
    await openExperiment(onTeam);
    await expect.poll(() => headers(onTeam)).toEqual(expectedHeaders);
    await expect.poll(() => tableText(onTeam)).toEqual(expected);
    const sidebar = (page: Page) => page.getByRole('navigation', { name: 'Experiments' }).textContent();
    expect(await sidebar(onTeam)).toBe(await sidebar(onFile));
    await screenshot(onTeam, 'team-runs');
  });

  it('previews an artifact from the bucket and shows a metric logged while the table is open', async () => {
    const run = await newestRun();
    const upload = await fetch(
      `${teamUrl}/api/2.0/mlflow-artifacts/artifacts/${run.experiment_id}/${run.run_id}/artifacts/team-notes.json`,
      { method: 'PUT', body: '{"stored_in":"the team bucket"}' },
    );
    expect(upload.status, await upload.text()).toBe(200);
    const runPage = await open(`#/runs/${run.run_id}`, teamUrl);
    await expect.poll(() => runPage.getByRole('heading', { level: 1 }).textContent()).toBe(run.run_name);
    const tree = runPage.getByRole('tree', { name: 'Artifact files' });
    await tree.getByRole('button', { name: /team-notes\.json/ }).click();
    const preview = runPage.getByRole('region', { name: 'Preview of team-notes.json' });
    await expect.poll(() => preview.locator('pre').textContent()).toContain('"the team bucket"');
    await runPage.getByRole('heading', { name: 'Artifacts' }).scrollIntoViewIfNeeded();
    await screenshot(runPage, 'team-run-artifact');

    const table = await open('#/runs', teamUrl);
    await openExperiment(table);
    const row = table.locator(`[role=table] .row[data-run-id="${run.run_id}"]`);
    const valAcc = async () => {
      const index = (await headers(table)).indexOf('val_acc');
      return index === -1 ? null : ((await row.locator('[role=cell]').nth(index).textContent()) ?? '').trim();
    };
    await expect.poll(valAcc).not.toBeNull();
    expect(await valAcc()).not.toBe('0.5');
    await teamApi('POST', 'runs/log-metric', {
      run_id: run.run_id,
      key: 'val_acc',
      value: 0.5,
      timestamp: Date.now(),
      step: 1_000_000,
    });
    await expect.poll(valAcc).toBe('0.5');
  });
});
