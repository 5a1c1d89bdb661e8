// End-to-end tests of the web UI in real headless Chromium (Debian's /usr/bin/chromium, driven
// by playwright-core) against a real `cairn serve` on a store seeded from the real fixtures.
// Run by scripts/test-e2e.sh; the global set-up starts the server, each file opens a browser.
import { fileURLToPath } from 'node:url';

import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: fileURLToPath(new URL('.', import.meta.url)),
    include: ['**/*.e2e.ts'],
    environment: 'node',
    globalSetup: ['./global-setup.ts'],
    testTimeout: 60_000,
    // Pages load and re-query asynchronously: polled expectations wait up to 10 s.
    expect: { poll: { timeout: 10_000, interval: 50 } },
    hookTimeout: 120_000,
    // One server, one store: files run one after another so writes in one do not race another.
    fileParallelism: false,
  },
});
