// The compare view's code diff for runs logged without git provenance (as through the mlflow
// client outside a repository): it says no commit was recorded, never "Same commit". On a server
// and store of its own.
import { describe, expect, it } from 'vitest';

import { useBrowser, useOwnServer } from './harness';

const browse = useBrowser();
const server = useOwnServer('no-commit');

async function newRun(name: string): Promise<string> {
  const response = await fetch(`${server.url}/api/2.0/mlflow/runs/create`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ experiment_id: '0', run_name: name, tags: [{ key: 'lr', value: name }] }),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { run: { info: { run_id: string } } }).run.info.run_id;
}

describe('comparing runs without git provenance', () => {
  it('says no commit was recorded for either run', async () => {
    const ids = [await newRun('first'), await newRun('second')];
    const page = await browse(`#/compare?runs=${ids.join(',')}`, server.url);
    await expect.poll(() => page.getByTestId('no-commit').textContent()).toBe('No commit recorded for either run.');
    expect(await page.getByText(/Same commit/).count()).toBe(0);
  });
});
