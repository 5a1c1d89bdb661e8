// The settings view in Chromium: what the store holds as the CLI counts it, and none of the
// server's paths (a browser is never told where anything is on the server's disk) nor a way to
// switch stores under the running server; the theme choice (remembered, applied as data-theme;
// "system" follows the OS as it changes); and, in place of watched folders, how to index folders
// on the server's machine — the server refuses a page that tries.
import { execFileSync } from 'node:child_process';
import path from 'node:path';

import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';

import { cairnBinary, screenshot, storePath, useBrowser } from './harness';

const open = useBrowser();

/** What `POST /app/api/<command>` answers a page that sends `args`. */
function askFromPage(page: Page, command: string, args: unknown): Promise<{ status: number; body: unknown }> {
  return page.evaluate(
    async ({ command, args }) => {
      const response = await fetch(`/app/api/${command}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(args),
      });
      return { status: response.status, body: await response.json() };
    },
    { command, args },
  );
}

/** Active runs in active experiments, as the CLI counts them. */
function activeRunCount(): number {
  const out = execFileSync(cairnBinary(), ['runs', 'list', '--store', storePath(), '--json', '--limit', '100000'], {
    encoding: 'utf8',
  });
  return (JSON.parse(out) as unknown[]).length;
}

describe('the settings view', () => {
  it('shows what the store holds, and none of its paths on the server', async () => {
    const page = await open('#/settings');
    await expect.poll(() => page.getByTestId('run-count').textContent()).toMatch(/^\d[\d,]* in \d+ experiments?$/);
    const runs = Number((await page.getByTestId('run-count').textContent())!.split(' in ')[0]!.replace(/,/g, ''));
    expect(runs).toBe(activeRunCount());
    const store = page.getByRole('region', { name: 'Store' });
    expect(await store.getByText('Schema version').count()).toBe(1);
    expect((await store.getByTestId('store-howto').textContent())?.replace(/\s+/g, ' ')).toContain(
      'This store is served by cairn serve',
    );
    expect(await page.getByTestId('database-path').count()).toBe(0);
    expect(await page.getByText('Artifacts folder').count()).toBe(0);
    const text = await page.locator('body').textContent();
    expect(text).not.toContain(path.dirname(storePath()));
    await screenshot(page, 'settings');
  });

  it('in a browser, says how to serve another store and offers no way to switch', async () => {
    const page = await open('#/settings');
    const howto = (await page.getByTestId('store-howto').textContent())?.replace(/\s+/g, ' ');
    expect(howto).toContain('cairn store use PATH');
    expect(howto).toContain('restart cairn serve');
    expect(await page.getByTestId('store-origin').count()).toBe(0);
    expect(await page.getByTestId('store-override').count()).toBe(0);
    // A store cannot change under a running server: no buttons, and the command does not exist.
    for (const name of ['Open another store…', 'Open a store folder…', 'New store…', 'Use the default store']) {
      expect(await page.getByRole('button', { name }).count()).toBe(0);
    }
    const refused = await askFromPage(page, 'use_store', { path: '/tmp/elsewhere.db' });
    expect(refused).toEqual({
      status: 404,
      body: expect.objectContaining({ error_code: 'RESOURCE_DOES_NOT_EXIST', message: "no command 'use_store'" }),
    });
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

  it('tells how folders are indexed on the server, and the server refuses to watch one for a page', async () => {
    const page = await open('#/settings');
    const howto = (await page.getByTestId('index-howto').textContent())?.replace(/\s+/g, ' ');
    expect(howto).toContain('cairn index PATH');
    expect(howto).toContain('cairn serve --index-root PATH');
    expect(await page.getByRole('heading', { name: 'Watched folders' }).count()).toBe(0);
    expect(await page.getByLabel('Folder to watch').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Watch folder' }).count()).toBe(0);
    await page.getByTestId('index-howto').scrollIntoViewIfNeeded();
    await screenshot(page, 'settings-folders');

    for (const command of ['add_watched_folder', 'list_watched_folders', 'index_folder']) {
      const refused = await askFromPage(page, command, { path: path.dirname(storePath()) });
      expect(refused).toEqual({
        status: 404,
        body: expect.objectContaining({ error_code: 'RESOURCE_DOES_NOT_EXIST', message: `no command '${command}'` }),
      });
    }
  });
});
