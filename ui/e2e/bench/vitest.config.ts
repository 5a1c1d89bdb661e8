// The compare-view benchmark (compare.bench.ts): the end-to-end suite's seeded `cairn serve`
// and Chromium, but only the bench file. Run with `npm run bench:compare` in ui/.
import { fileURLToPath } from 'node:url';

import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: fileURLToPath(new URL('..', import.meta.url)),
    include: ['bench/*.bench.ts'],
    environment: 'node',
    globalSetup: ['./global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
