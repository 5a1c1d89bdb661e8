// Drag and drop in Chromium: a file dropped on a run page (a synthetic drop, as Chromium's
// headless mode cannot drag from the desktop) is uploaded into that run's artifacts; the store
// then serves it through MLflow's artifacts API with the same bytes and indexes it with its
// size and BLAKE3 hash. Off a run page, the overlay
// says honestly that a browser cannot import folders.
import { execFileSync } from 'node:child_process';

import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';

import { baseUrl, cairnBinary, screenshot, storePath, useBrowser } from './harness';

const open = useBrowser();

function demoRun(): { run_id: string; experiment_id: string; run_name: string } {
  const out = execFileSync(
    cairnBinary(),
    ['runs', 'list', '--store', storePath(), '--json', '--experiment', 'imdb-sentiment', '--limit', '1'],
    { encoding: 'utf8' },
  );
  const [run] = JSON.parse(out) as { run_id: string; experiment_id: string; run_name: string }[];
  if (run === undefined) throw new Error('the demo made no imdb-sentiment run');
  return run;
}

/** Fires dragenter/dragover (and drop, unless `hold`) on the page with files made in the page. */
async function dropFiles(page: Page, files: { name: string; content: string }[], hold = false): Promise<void> {
  await page.evaluate(
    ({ files, hold }) => {
      const transfer = new DataTransfer();
      for (const file of files) transfer.items.add(new File([file.content], file.name, { type: 'text/plain' }));
      const fire = (type: string) =>
        document.body.dispatchEvent(new DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true }));
      fire('dragenter');
      fire('dragover');
      if (!hold) fire('drop');
    },
    { files, hold },
  );
}

describe('dropping files', () => {
  it('on a run page uploads them as the run’s artifacts', async () => {
    const run = demoRun();
    const name = `e2e-notes-${Date.now()}.txt`;
    const content = 'dropped from the browser\n';
    const page = await open(`#/runs/${run.run_id}`);

    await dropFiles(page, [{ name, content }], true);
    await expect.poll(() => page.getByText(`Drop files to add them to run ${run.run_name}`).count()).toBe(1);
    await screenshot(page, 'upload-overlay');
    await page.evaluate(() => document.body.dispatchEvent(new DragEvent('dragleave', { bubbles: true, dataTransfer: new DataTransfer() })));

    await dropFiles(page, [{ name, content }]);
    await expect
      .poll(() => page.getByRole('status').filter({ hasText: `Added 1 file to run ${run.run_name}` }).count())
      .toBe(1);
    await screenshot(page, 'upload-done');

    const folder = `${run.experiment_id}/${run.run_id}/artifacts`;
    const listing = (await (await fetch(`${baseUrl()}/api/2.0/mlflow-artifacts/artifacts?path=${folder}`)).json()) as {
      files: { path: string; file_size?: number }[];
    };
    expect(listing.files).toContainEqual({ path: name, is_dir: false, file_size: content.length });
    const served = await (await fetch(`${baseUrl()}/api/2.0/mlflow-artifacts/artifacts/${folder}/${name}`)).text();
    expect(served).toBe(content);

    // The store's artifact index has it with its size and BLAKE3 hash.
    const query = `SELECT a.size_bytes, a.blake3 FROM artifacts a JOIN runs r ON r.id = a.run_id
                   WHERE r.run_uuid = ? AND a.path = ?`;
    const indexed = execFileSync(
      'python3',
      [
        '-c',
        'import sqlite3, sys; db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True); ' +
          'print(*db.execute(sys.argv[2], sys.argv[3:]).fetchone())',
        storePath(),
        query,
        run.run_id,
        name,
      ],
      { encoding: 'utf8' },
    ).trim();
    expect(indexed).toMatch(new RegExp(`^${content.length} [0-9a-f]{64}$`));
  });

  it('elsewhere explains that a browser cannot import folders', async () => {
    const page = await open('#/runs');
    await dropFiles(page, [{ name: 'mlruns.txt', content: 'x' }]);
    await expect
      .poll(() => page.getByRole('alert').filter({ hasText: 'Folders and logs are imported from the desktop app' }).count())
      .toBe(1);
    expect(await page.getByRole('alert').textContent()).toContain('cairn index PATH');
  });
});
