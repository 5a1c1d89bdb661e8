// Accounts in Chromium against a real `cairn serve --auth users` on a SQLite store of its own,
// the first admin made by `cairn users create --admin`: a wrong password is refused with the
// server's message, the right one signs in; the admin creates a user and shares an experiment
// with them READ (the grant and its history show in the share dialog); signed out, the new user
// signs in, sees the experiment and its run but no edit actions and a share dialog they may not
// change; a session that ends (the cookie gone) returns to the sign-in page and, signed in
// again, to the same screen. On a model page, a stage change is recorded and shown under the
// signed-in user, and a reader gets no actions. The suite's seeded server (no accounts) shows none of it.
// Screenshots: the sign-in page, the users screen and the share dialog at 1400 px light and
// 900 px dark.
import { execFileSync } from 'node:child_process';

import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { baseUrl, cairnBinary, screenshot, useBrowser, useOwnServer } from './harness';

const ADMIN = 'root';
const ADMIN_PASSWORD = 'correct horse battery';
const USER = 'bo';
const USER_PASSWORD = 'bo-password-1';
const EXPERIMENT = 'e2e-shared';
const MODEL = 'e2e-model';

const server = useOwnServer('accounts', {
  args: ['--auth', 'users'],
  prepare: (store) => {
    execFileSync(cairnBinary(), ['users', 'create', ADMIN, '--admin', '--store', store], {
      env: { ...process.env, CAIRN_PASSWORD: ADMIN_PASSWORD },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
  },
});
const browse = useBrowser();
let experimentId = '';
let runId = '';

/** An MLflow REST call as the admin (HTTP Basic). */
async function asAdmin<T>(path: string, body: unknown): Promise<T> {
  const response = await fetch(`${server.url}/api/2.0/mlflow/${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Basic ${Buffer.from(`${ADMIN}:${ADMIN_PASSWORD}`).toString('base64')}`,
    },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

beforeAll(async () => {
  experimentId = (await asAdmin<{ experiment_id: string }>('experiments/create', { name: EXPERIMENT })).experiment_id;
  const { run } = await asAdmin<{ run: { info: { run_id: string } } }>('runs/create', {
    experiment_id: experimentId,
    run_name: 'shared-run',
    start_time: Date.now(),
  });
  runId = run.info.run_id;
  await asAdmin('runs/log-metric', { run_id: run.info.run_id, key: 'acc', value: 0.9, timestamp: Date.now(), step: 0 });
  await asAdmin('registered-models/create', { name: MODEL });
  await asAdmin('model-versions/create', { name: MODEL, source: `runs:/${runId}/model`, run_id: runId });
});

const experimentHash = () => `#/runs?exp=${experimentId}`;

async function signIn(page: Page, user: string, password: string): Promise<void> {
  await page.getByLabel('User name').fill(user);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect.poll(() => page.locator('.user-menu .who .name').textContent()).toBe(user);
}

async function signOut(page: Page, user: string): Promise<void> {
  expect(await page.locator('.user-menu .who .name').textContent()).toBe(user);
  await page.locator('.user-menu .who').click();
  await page.getByRole('menuitem', { name: 'Sign out' }).click();
  await expect.poll(() => page.getByRole('heading', { name: 'Sign in to Cairn' }).count()).toBe(1);
}

/** The page at 1400 px light, then at 900 px dark (the OS's scheme: the theme follows it). */
async function bothLooks(page: Page, name: string): Promise<void> {
  await page.setViewportSize({ width: 1400, height: 900 });
  await page.emulateMedia({ colorScheme: 'light' });
  await screenshot(page, `${name}-1400-light`);
  await page.setViewportSize({ width: 900, height: 800 });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.waitForTimeout(50);
  await screenshot(page, `${name}-900-dark`);
  await page.setViewportSize({ width: 1400, height: 900 });
  await page.emulateMedia({ colorScheme: 'light' });
}

describe('accounts in the browser', () => {
  it('signs in, shares an experiment READ, and the reader sees it without edit actions', async () => {
    const page = await browse(experimentHash(), server.url);
    await expect.poll(() => page.getByRole('heading', { name: 'Sign in to Cairn' }).count()).toBe(1);
    // Nothing of the app shows before signing in.
    expect(await page.getByRole('navigation', { name: 'Sections' }).count()).toBe(0);
    await bothLooks(page, 'accounts-login');

    await page.getByLabel('User name').fill(ADMIN);
    await page.getByLabel('Password').fill('wrong password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/\S/);
    expect(await page.getByRole('heading', { name: 'Sign in to Cairn' }).count()).toBe(1);

    await signIn(page, ADMIN, ADMIN_PASSWORD);
    // Back where the URL said: the experiment.
    await expect.poll(() => page.getByRole('heading', { level: 1 }).first().textContent()).toBe(EXPERIMENT);

    // The admin creates a user.
    await page.getByRole('link', { name: 'Administration' }).click();
    await page.getByLabel('User name').fill(USER);
    await page.getByLabel('Password').fill(USER_PASSWORD);
    await page.getByRole('button', { name: 'Create user' }).click();
    const users = page.getByRole('table', { name: 'Users' });
    await expect.poll(() => users.locator(`tr[data-user="${USER}"]`).count()).toBe(1);
    await bothLooks(page, 'accounts-admin-users');

    // …and shares the experiment with them, READ.
    await page.goto(`${server.url}/${experimentHash()}`);
    await page.getByRole('button', { name: 'Share', exact: true }).click();
    const dialog = page.getByRole('dialog');
    await expect.poll(() => dialog.getByTestId('share-summary').textContent()).toContain('You:');
    await expect.poll(() => dialog.getByLabel('Who to add').locator('option', { hasText: USER }).count()).toBe(1);
    await dialog.getByLabel('Who to add').selectOption(USER);
    await dialog.getByLabel('Permission to give').selectOption('READ');
    await dialog.getByRole('button', { name: 'Add', exact: true }).click();
    await expect.poll(() => dialog.locator(`tr[data-principal="${USER}"]`).count()).toBe(1);
    expect(await dialog.getByLabel(`Permission of ${USER}`).inputValue()).toBe('READ');
    await expect.poll(() => dialog.getByRole('list', { name: 'Permission history' }).textContent()).toContain(`${ADMIN} gave ${USER} READ`);
    await bothLooks(page, 'accounts-share-dialog');
    await dialog.getByRole('button', { name: 'Done' }).click();

    await signOut(page, ADMIN);
    await signIn(page, USER, USER_PASSWORD);
    // The reader sees the experiment and its run, but no edit actions.
    await page.goto(`${server.url}/${experimentHash()}`);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).first().textContent()).toBe(EXPERIMENT);
    expect(await page.getByRole('link', { name: 'Administration' }).count()).toBe(0);
    const row = page.locator('[role=table] .row[data-run-id]');
    await expect.poll(() => row.count()).toBe(1);
    await expect.poll(() => page.getByTestId('your-permission').textContent()).toBe('READ');
    await row.first().getByRole('checkbox').check();
    await expect.poll(() => page.getByTestId('read-only').textContent()).toContain('you have READ');
    const actions = page.getByRole('toolbar', { name: 'Actions on runs' });
    expect(await actions.getByRole('button', { name: 'Delete', exact: true }).count()).toBe(0);
    expect(await actions.getByRole('button', { name: 'Tag…' }).count()).toBe(0);
    // The share dialog shows who has access but may not be changed.
    await page.getByRole('button', { name: 'Share', exact: true }).click();
    await expect.poll(() => page.getByRole('dialog').getByTestId('share-read-only').textContent()).toContain('only someone with MANAGE');
    expect(await page.getByRole('dialog').getByLabel(`Permission of ${USER}`).isDisabled()).toBe(true);
    await page.getByRole('dialog').getByRole('button', { name: 'Done' }).click();
    // Nor on the run's own page.
    await page.goto(`${server.url}/#/runs/${runId}`);
    await expect.poll(() => page.getByTestId('run-read-only').textContent()).toContain('you have READ');
    expect(await page.getByRole('button', { name: 'Rename' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Delete' }).count()).toBe(0);
    expect(await page.getByRole('form', { name: 'Set a tag' }).count()).toBe(0);
  });

  it("records the signed-in user for a stage change made in the model page's history", async () => {
    const page = await browse(`#/models/${MODEL}`, server.url);
    await signIn(page, ADMIN, ADMIN_PASSWORD);
    const row = page.locator('tr[data-version="1"]');
    await row.getByRole('button', { name: 'To Staging' }).click();
    const dialog = page.getByRole('dialog');
    await expect.poll(() => dialog.textContent()).toContain(`Recorded as ${ADMIN}`);
    await dialog.getByRole('textbox').fill('e2e: who moved it');
    await dialog.getByRole('textbox').press('Control+Enter');
    await expect.poll(() => dialog.count()).toBe(0);
    const newest = page.locator('ol[aria-label=History] li').first();
    await expect.poll(() => newest.locator('.what').textContent()).toContain('Staging');
    expect(await newest.locator('.meta').textContent()).toContain(ADMIN);
    // The reader sees who did it, and no actions on a model they may only read.
    await signOut(page, ADMIN);
    await signIn(page, USER, USER_PASSWORD);
    await expect.poll(() => page.getByTestId('read-only').textContent()).toContain('you have READ on this model');
    expect(await row.getByRole('button', { name: 'To Production' }).count()).toBe(0);
    expect(await page.locator('ol[aria-label=History] li').first().locator('.meta').textContent()).toContain(ADMIN);
  });

  it('returns to the sign-in page when the session ends, then to the same screen', async () => {
    const page = await browse('#/runs', server.url);
    await signIn(page, USER, USER_PASSWORD);
    await page.goto(`${server.url}/#/models`);
    await expect.poll(() => page.getByRole('link', { name: 'Models' }).getAttribute('aria-current')).toBe('page');
    // The session ends (as when it expires or is revoked): the next request is refused.
    await page.context().clearCookies();
    // Go on by address: a live update may meet the ended session first and show the sign-in
    // page before a click could land, which is right too.
    await page.goto(`${server.url}/#/settings`);
    await expect.poll(() => page.getByRole('heading', { name: 'Sign in to Cairn' }).count()).toBe(1);
    expect(await page.getByRole('status').textContent()).toContain('Your session ended');
    expect(page.url()).toContain('#/settings');
    await signIn(page, USER, USER_PASSWORD);
    await expect.poll(() => page.getByRole('link', { name: 'Settings' }).getAttribute('aria-current')).toBe('page');
  });
});

describe('a server without accounts', () => {
  it('shows no sign-in, user menu, sharing or administration', async () => {
    const page = await browse('#/runs');
    await expect.poll(() => page.locator('[role=table] .row[data-run-id]').count()).toBeGreaterThan(0);
    expect(await page.getByRole('heading', { name: 'Sign in to Cairn' }).count()).toBe(0);
    expect(await page.locator('.user-menu').count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Administration' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Share', exact: true }).count()).toBe(0);
    await page.goto(`${baseUrl()}/#/admin/users`);
    await expect.poll(() => page.getByRole('heading', { name: 'Administration' }).count()).toBe(1);
    expect(await page.getByRole('table', { name: 'Users' }).count()).toBe(0);
  });
});
