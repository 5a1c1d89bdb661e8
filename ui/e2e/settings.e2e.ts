// The settings view in Chromium: the store's location and size as the CLI knows them, the theme
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
