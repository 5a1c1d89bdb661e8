// The compare-view benchmark (compare.bench.ts): the end-to-end suite's seeded `cairn serve`
// and Chromium, but only the bench file, against the release build of cairn unless $CAIRN_BIN
// names another. Run with `npm run bench:compare` in ui/.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { defineConfig } from 'vitest/config';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
process.env.CAIRN_BIN ??= path.join(process.env.CARGO_TARGET_DIR ?? path.join(repoRoot, 'target'), 'release', 'cairn');

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
