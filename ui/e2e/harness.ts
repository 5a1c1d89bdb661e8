// What every end-to-end file uses: one Chromium per file (Debian's, never a downloaded one),
// a fresh page per test on the seeded `cairn serve`, and screenshots kept as CI artifacts.
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, inject } from 'vitest';

import { startServer, stopServer } from './server';

const repoRoot = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');

/** Where screenshots go: $CAIRN_E2E_ARTIFACTS, default tests/artifacts/e2e. */
export const artifactsDir = process.env.CAIRN_E2E_ARTIFACTS ?? path.join(repoRoot, 'tests', 'artifacts', 'e2e');

const CHROMIUM_FLAGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--no-default-browser-check',
  '--metrics-recording-only',
];

/** The seeded server's URL. */
export function baseUrl(): string {
  return inject('baseUrl');
}

/** The store the server runs on (for tests that check what was written). */
export function storePath(): string {
  return inject('storePath');
}

/** The `cairn` binary (for tests that drive the CLI beside the UI). */
export function cairnBinary(): string {
  return inject('cairn');
}

/**
 * Opens Chromium for the calling test file and closes it after; returns a function that opens a
 * fresh page at `hash` (e.g. `#/runs`) of the seeded server, or of the server at `origin`. Pages close after each test, which fails if a page threw.
 */
export function useBrowser(): (hash?: string, origin?: string) => Promise<Page> {
  let browser: Browser | undefined;
  let pages: { page: Page; errors: string[] }[] = [];
  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
      args: CHROMIUM_FLAGS,
    });
  });
  afterEach(async (context) => {
    const opened = pages;
    pages = [];
    const failed = context.task.result?.state === 'fail';
    for (const [i, { page }] of opened.entries()) {
      // A failing test leaves a picture of what the page showed.
      if (failed) await screenshot(page, `FAILED-${slug(context.task.name)}-${i}`).catch(() => {});
      await page.close();
    }
    // An uncaught exception in the page fails the test that caused it.
    expect(opened.flatMap(({ errors }) => errors)).toEqual([]);
  });
  afterAll(async () => {
    await browser?.close();
  });
  return async (hash = '#/runs', origin = baseUrl()) => {
    if (browser === undefined) throw new Error('the browser is not open yet');
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    pages.push({ page, errors });
    await page.goto(`${origin}/${hash}`);
    // The app draws once the server said whether someone must sign in: the window or the
    // sign-in page.
    await page.waitForSelector('.shell, .login');
    return page;
  };
}

/** Saves a full-window screenshot as `<name>.png` in the artifacts folder. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(artifactsDir, { recursive: true });
  await page.screenshot({ path: path.join(artifactsDir, `${name}.png`) });
}

function slug(text: string): string {
  return text.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '').slice(0, 80);
}

/** A `cairn serve` of a file's own, on an empty store: its URL and store file, set once it runs. */
export interface OwnServer {
  url: string;
  store: string;
}

/** How a file's own server starts: `prepare` runs on the new store before it (e.g. `cairn users
 *  create`), `args` are added to `cairn serve`'s. */
export interface OwnServerOptions {
  args?: readonly string[];
  prepare?: (store: string) => void;
}

/**
 * Starts a server on a fresh store before the calling file's tests (and before the file's own
 * `beforeAll` hooks registered after this call) and stops it after them, so the file's writes
 * never reach the views other files watch on the seeded server.
 */
export function useOwnServer(name: string, options: OwnServerOptions = {}): OwnServer {
  const server: OwnServer = { url: '', store: '' };
  let dir = '';
  let child: ChildProcess | undefined;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), `cairn-e2e-${name}-`));
    server.store = path.join(dir, 'cairn.db');
    options.prepare?.(server.store);
    const started = await startServer(cairnBinary(), server.store, path.join(dir, 'config'), options.args);
    server.url = started.url;
    child = started.child;
  });
  afterAll(async () => {
    if (child !== undefined) await stopServer(child);
    rmSync(dir, { recursive: true, force: true });
  });
  return server;
}
