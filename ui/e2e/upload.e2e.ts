// Uploads in Chromium. "Add files…" and "Add folder…" on a run page take real files through the
// real file input; the store then serves them through MLflow's artifacts API with the same bytes,
// indexes them with the BLAKE3 hash `cairn hash` gives, and the page selects and previews the new
// file; refused files are named with the reason. A file dropped on a run page (a synthetic drop,
// as Chromium's headless mode cannot drag from the desktop) is uploaded the same way. Off a run
// page, the overlay says honestly that a browser cannot import folders.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { baseUrl, cairnBinary, screenshot, storePath, useBrowser } from './harness';

const open = useBrowser();

interface DemoRun {
  run_id: string;
  experiment_id: string;
  run_name: string;
}

/** The `index`th newest demo run of imdb-sentiment. */
function demoRun(index = 0): DemoRun {
  const out = execFileSync(
    cairnBinary(),
    ['runs', 'list', '--store', storePath(), '--json', '--experiment', 'imdb-sentiment', '--limit', String(index + 1)],
    { encoding: 'utf8' },
  );
  const run = (JSON.parse(out) as DemoRun[])[index];
  if (run === undefined) throw new Error(`the demo made fewer than ${index + 1} imdb-sentiment runs`);
  return run;
}

/** Size and BLAKE3 of a run's artifact, as the store's artifact index holds them. */
function indexedArtifact(runId: string, artifactPath: string): string {
  const query = `SELECT a.size_bytes, a.blake3 FROM artifacts a JOIN runs r ON r.id = a.run_id
                 WHERE r.run_uuid = ? AND a.path = ?`;
  return execFileSync(
    'python3',
    [
      '-c',
      'import sqlite3, sys; db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True); ' +
        'print(*(db.execute(sys.argv[2], sys.argv[3:]).fetchone() or ["missing"]))',
      storePath(),
      query,
      runId,
      artifactPath,
    ],
    { encoding: 'utf8' },
  ).trim();
}

/** BLAKE3 of a local file, from `cairn hash` (on a throwaway store, so the seeded one is untouched). */
function cairnHash(file: string, scratch: string): string {
  const out = execFileSync(cairnBinary(), ['hash', '--json', '--store', path.join(scratch, 'hash.db'), file], { encoding: 'utf8' });
  const [entry] = JSON.parse(out) as { hash: string }[];
  if (entry === undefined) throw new Error(`cairn hash printed nothing for ${file}`);
  return entry.hash;
}

/** The bytes MLflow's artifacts API serves for a run's file. */
async function served(run: DemoRun, artifactPath: string): Promise<Buffer> {
  const url = `${baseUrl()}/api/2.0/mlflow-artifacts/artifacts/${run.experiment_id}/${run.run_id}/artifacts/${artifactPath}`;
  const response = await fetch(url);
  expect(response.status, url).toBe(200);
  return Buffer.from(await response.arrayBuffer());
}

describe('"Add files…" on the run page', () => {
  let scratch = '';
  beforeAll(() => {
    scratch = mkdtempSync(path.join(tmpdir(), 'cairn-e2e-upload-'));
  });
  afterAll(() => {
    rmSync(scratch, { recursive: true, force: true });
  });

  it('uploads a chosen file, stores its bytes and hash, and previews it', async () => {
    const run = demoRun(1);
    const name = `e2e-eval-${Date.now()}.json`;
    const file = path.join(scratch, name);
    writeFileSync(file, `${JSON.stringify({ accuracy: 0.9132, split: 'held-out' })}\n`);
    const bytes = readFileSync(file);
    const page = await open(`#/runs/${run.run_id}`);

    const artifacts = page.locator('#section-artifacts');
    await artifacts.getByRole('button', { name: 'Add files…' }).waitFor();
    await artifacts.getByTestId('upload-input').setInputFiles(file);
    await expect.poll(() => artifacts.getByRole('status').filter({ hasText: `Added ${name}` }).count()).toBe(1);

    // The tree lists the new file, selected, and the preview shows its content and hash.
    const expectedHash = cairnHash(file, scratch);
    const preview = artifacts.getByRole('region', { name: `Preview of ${name}` });
    await expect.poll(() => preview.count()).toBe(1);
    await expect.poll(() => artifacts.getByRole('treeitem', { selected: true }).textContent()).toContain(name);
    await expect.poll(() => preview.textContent()).toContain('"held-out"');
    await expect.poll(() => preview.textContent()).toContain(expectedHash);
    await screenshot(page, 'upload-button-done');

    expect((await served(run, name)).equals(bytes)).toBe(true);
    expect(indexedArtifact(run.run_id, name)).toBe(`${bytes.length} ${expectedHash}`);
  });

  it('uploads a chosen folder with its layout', async () => {
    const run = demoRun(1);
    const folderName = `e2e-plots-${Date.now()}`;
    const folder = path.join(scratch, folderName);
    mkdirSync(path.join(folder, 'roc'), { recursive: true });
    writeFileSync(path.join(folder, 'roc', 'points.csv'), 'fpr,tpr\n0,0\n0.1,0.8\n1,1\n');
    writeFileSync(path.join(folder, 'notes.txt'), 'threshold 0.5\n');
    const page = await open(`#/runs/${run.run_id}`);

    const artifacts = page.locator('#section-artifacts');
    await artifacts.getByRole('button', { name: 'Add folder…' }).waitFor();
    await artifacts.getByTestId('upload-folder-input').setInputFiles(folder);
    await expect.poll(() => artifacts.getByRole('status').filter({ hasText: 'Added 2 files' }).count()).toBe(1);

    // The first file in path order is shown, with its folders opened.
    await expect.poll(() => artifacts.getByRole('region', { name: `Preview of ${folderName}/notes.txt` }).count()).toBe(1);
    for (const relative of ['notes.txt', 'roc/points.csv']) {
      const local = readFileSync(path.join(folder, relative));
      expect((await served(run, `${folderName}/${relative}`)).equals(local)).toBe(true);
      expect(indexedArtifact(run.run_id, `${folderName}/${relative}`)).toBe(
        `${local.length} ${cairnHash(path.join(folder, relative), scratch)}`,
      );
    }
  });

  it('names each refused file and why, and adds the rest', async () => {
    const run = demoRun(1);
    const good = `e2e-ok-${Date.now()}.txt`;
    const page = await open(`#/runs/${run.run_id}`);

    const artifacts = page.locator('#section-artifacts');
    await artifacts.getByRole('button', { name: 'Add files…' }).waitFor();
    // Real files (a backslash is an ordinary character in a Linux file name).
    const files = { 'huge.bin': Buffer.alloc(17 * 1024 * 1024, 7), 'back\\slash.txt': Buffer.from('x'), [good]: Buffer.from('fine\n') };
    for (const [name, content] of Object.entries(files)) writeFileSync(path.join(scratch, name), content);
    await artifacts.getByTestId('upload-input').setInputFiles(Object.keys(files).map((name) => path.join(scratch, name)));
    const alert = artifacts.getByRole('alert');
    await expect.poll(() => alert.count()).toBe(1);
    const text = (await alert.textContent()) ?? '';
    expect(text).toContain(`Added ${good}; 2 files refused`);
    expect(text).toMatch(/huge\.bin is 17\.8 MB.*16 MB per file/);
    expect(text).toMatch(/back\\slash\.txt: .*backslash/);
    await screenshot(page, 'upload-button-refused');
    expect(indexedArtifact(run.run_id, 'huge.bin')).toBe('missing');
    expect((await served(run, good)).toString()).toBe('fine\n');
  });
});

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
    const indexed = indexedArtifact(run.run_id, name);
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
