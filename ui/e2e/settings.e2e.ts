// The settings view in Chromium: the store's location, origin and size as the CLI knows them (and,
// in a browser, no way to switch stores under the running server), the theme
// choice (remembered, applied as data-theme; "system" follows the OS as it changes), and a watched
// folder added, indexed and removed.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { screenshot, storePath, useBrowser } from './harness';

const open = useBrowser();

describe('the settings view', () => {
  it('shows where the store is and what it holds', async () => {
    const page = await open('#/settings');
    await expect.poll(() => page.getByTestId('database-path').textContent()).toBe(storePath());
    const artifacts = storePath().replace(/cairn\.db$/, 'cairn-artifacts');
    await expect.poll(() => page.getByText(artifacts, { exact: true }).count()).toBe(1);
    await expect.poll(() => page.getByTestId('run-count').textContent()).toMatch(/^\d[\d,]* in \d+ experiments?$/);
    await screenshot(page, 'settings');
  });

  it('says where the store came from and, in a browser, how to open another', async () => {
    const page = await open('#/settings');
    // The e2e server is started with --store.
    await expect.poll(() => page.getByTestId('store-origin').textContent()).toBe('Opened with --store');
    const note = await page.getByTestId('store-override').textContent();
    expect(note).toMatch(/^This launch uses --store\. The default store, \/.+\/cairn\.db, applies only to launches without --store and CAIRN_STORE\.$/);
    const howto = (await page.getByTestId('store-howto').textContent())?.replace(/\s+/g, ' ');
    expect(howto).toContain('cairn store use PATH');
    expect(howto).toContain('restart cairn serve');
    // A store cannot change under a running server: no buttons, and the command is refused.
    for (const name of ['Open another store…', 'Open a store folder…', 'New store…', 'Use the default store']) {
      expect(await page.getByRole('button', { name }).count()).toBe(0);
    }
    const refused = await page.evaluate(async () => {
      const response = await fetch('/app/api/use_store', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ path: '/tmp/elsewhere.db' }),
      });
      return { status: response.status, body: await response.text() };
    });
    expect(refused.status).toBeGreaterThanOrEqual(400);
    expect(refused.body).toContain('cairn store use PATH');
    await screenshot(page, 'settings-store-origin');
  });

  it('remembers the theme and applies it to the page', async () => {
    const page = await open('#/settings');
    await page.getByLabel('Dark').check();
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(background).toBe('rgb(21, 25, 28)');
    await page.reload();
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await screenshot(page, 'settings-dark');
    // Following the system: data-theme is the OS's scheme, and changes with it.
    await page.emulateMedia({ colorScheme: 'light' });
    await page.getByLabel('Follow the system').check();
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe('light');
    await page.emulateMedia({ colorScheme: 'dark' });
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe('rgb(21, 25, 28)');
    await page.emulateMedia({ colorScheme: 'light' });
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe('light');
    expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe('rgb(246, 247, 248)');
  });

  it('adds a watched folder, indexes it and removes it', async () => {
    const page = await open('#/settings');
    const folder = mkdtempSync(path.join(tmpdir(), 'cairn-watched-'));
    // A browser cannot tell the page where a chosen folder is: the path is typed (the desktop
    // app adds "Choose folder…").
    await page.getByRole('button', { name: 'Watch folder' }).waitFor();
    expect(await page.getByRole('button', { name: 'Choose folder…' }).count()).toBe(0);
    await page.getByLabel('Folder to watch').fill(folder);
    await page.getByRole('button', { name: 'Watch folder' }).click();
    await expect.poll(() => page.getByText(folder, { exact: true }).count()).toBe(1);
    const item = page.locator('li', { hasText: folder });
    await expect.poll(() => item.textContent()).toMatch(/Watching/);
    await item.getByRole('button', { name: 'Index now' }).click();
    await expect.poll(() => item.textContent()).toMatch(/Last pass: 0 new/);

    await page.getByLabel('Folder to watch').fill(path.join(folder, 'missing'));
    await page.getByRole('button', { name: 'Watch folder' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('missing');

    await page.getByRole('button', { name: `Remove ${folder}` }).click();
    await expect.poll(() => page.getByText(folder, { exact: true }).count()).toBe(0);
  });
});
