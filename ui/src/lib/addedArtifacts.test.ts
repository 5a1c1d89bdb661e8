import { describe, expect, it } from 'vitest';

import { createAnnouncer, fileToSelect, type ArtifactsAdded } from './addedArtifacts';

describe('createAnnouncer', () => {
  it('tells every listener until it stops listening, and skips empty additions', () => {
    const announcer = createAnnouncer();
    const heard: ArtifactsAdded[] = [];
    const stop = announcer.listen((added) => heard.push(added));
    announcer.announce({ runId: 'r1', paths: ['a.txt', 'b/c.csv'] });
    announcer.announce({ runId: 'r1', paths: [] });
    stop();
    announcer.announce({ runId: 'r1', paths: ['later.txt'] });
    expect(heard).toEqual([{ runId: 'r1', paths: ['a.txt', 'b/c.csv'] }]);
  });
});

describe('fileToSelect', () => {
  it('is the first new file of this run only', () => {
    expect(fileToSelect({ runId: 'r1', paths: ['weights.bin', 'eval/m.json'] }, 'r1')).toBe('weights.bin');
    expect(fileToSelect({ runId: 'r2', paths: ['x.txt'] }, 'r1')).toBeNull();
    expect(fileToSelect({ runId: 'r1', paths: [] }, 'r1')).toBeNull();
  });
});
