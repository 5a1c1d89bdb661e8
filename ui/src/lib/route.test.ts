import { describe, expect, it } from 'vitest';

import { EMPTY_PLACE, parseRoute, routeHash, type Route, type RunsPlace } from './route';

describe('routes', () => {
  const cases: [string, Route][] = [
    ['#/runs', { view: 'runs' }],
    ['#/runs/0a1b2c', { view: 'run', runId: '0a1b2c' }],
    ['#/compare?runs=a,b,c', { view: 'compare', runIds: ['a', 'b', 'c'] }],
    ['#/models', { view: 'models' }],
    ['#/models/fraud%20detector%2Fv2', { view: 'model', name: 'fraud detector/v2' }],
    ['#/models/churn/versions/3', { view: 'version', name: 'churn', version: 3, tab: 'overview' }],
    ['#/models/a%2Fb/versions/1/monitoring', { view: 'version', name: 'a/b', version: 1, tab: 'monitoring' }],
    ['#/models/m/versions/2/monitoring?batch=17', { view: 'version', name: 'm', version: 2, tab: 'monitoring', batch: '17' }],
    ['#/settings', { view: 'settings' }],
    ['#/admin/users', { view: 'admin', tab: 'users' }],
    ['#/admin/users/ana%20b', { view: 'admin', tab: 'users', user: 'ana b' }],
    ['#/admin/groups', { view: 'admin', tab: 'groups' }],
  ];

  it.each(cases)('%s parses and prints back', (hash, route) => {
    expect(parseRoute(hash)).toEqual(route);
    expect(routeHash(route)).toBe(hash);
  });

  it.each(['', '#', '#/', '#/nowhere', 'garbage'])('%j is the runs view', (hash) => {
    expect(parseRoute(hash)).toEqual({ view: 'runs' });
  });

  it('keeps a malformed escape as it is and drops empty run ids', () => {
    expect(parseRoute('#/runs/%E0%A4%A')).toEqual({ view: 'run', runId: '%E0%A4%A' });
    expect(parseRoute('#/compare?runs=a,,b,')).toEqual({ view: 'compare', runIds: ['a', 'b'] });
    expect(parseRoute('#/compare')).toEqual({ view: 'compare', runIds: [] });
  });

  it('reads a version that is not a positive integer as the model page', () => {
    expect(parseRoute('#/models/m/versions/x')).toEqual({ view: 'model', name: 'm' });
    expect(parseRoute('#/models/m/versions/0/monitoring')).toEqual({ view: 'model', name: 'm' });
    expect(parseRoute('#/models/m/versions')).toEqual({ view: 'model', name: 'm' });
    expect(parseRoute('#/models/m/versions/4/elsewhere')).toEqual({ view: 'version', name: 'm', version: 4, tab: 'overview' });
    expect(parseRoute('#/models/m/versions/4/monitoring?batch=')).toEqual({ view: 'version', name: 'm', version: 4, tab: 'monitoring' });
  });
});

describe('the runs view place', () => {
  const places: [string, RunsPlace][] = [
    ['experiments', { ...EMPTY_PLACE, experiments: ['1', '2'] }],
    ['a filter with quotes, ampersands and equals', { ...EMPTY_PLACE, filter: "params.opt = 'a&b' and metrics.x >= 0.5" }],
    ['a sort on a backticked key with a comma', { ...EMPTY_PLACE, orderBy: ['metrics.`loss, smooth` DESC'] }],
    ['a group-by', { ...EMPTY_PLACE, groupBy: 'optimizer' }],
    ['columns hidden, moved and shown', { ...EMPTY_PLACE, columns: { hidden: ['param:lr'], order: ['metric:a,b', 'attr:start'], shown: ['attr:commit'] } }],
    ['an empty column choice', { ...EMPTY_PLACE, columns: { hidden: [], order: [] } }],
    [
      'everything at once',
      {
        experiments: ['0', '17'],
        filter: 'adamw',
        orderBy: ['attributes.start_time ASC'],
        groupBy: 'lr',
        columns: { hidden: ['attr:source'], order: [] },
      },
    ],
  ];

  it.each(places)('%s goes through the hash and back', (_, place) => {
    const hash = routeHash({ view: 'runs', place });
    expect(parseRoute(hash)).toEqual({ view: 'runs', place });
    expect(parseRoute(hash.slice(1))).toEqual({ view: 'runs', place });
  });

  it('prints a place of defaults as the bare runs route', () => {
    expect(routeHash({ view: 'runs', place: EMPTY_PLACE })).toBe('#/runs');
  });

  const garbled: [string, RunsPlace][] = [
    ['#/runs?&&&', EMPTY_PLACE],
    ['#/runs?junk=1&=2&exp', EMPTY_PLACE],
    ['#/runs?exp=,,1,,1,%ZZ', { ...EMPTY_PLACE, experiments: ['1', '%ZZ'] }],
    ['#/runs?q=%E0%A4%A', { ...EMPTY_PLACE, filter: '%E0%A4%A' }],
    ['#/runs?q=a+b&q=second', { ...EMPTY_PLACE, filter: 'a+b' }],
    ['#/runs?sort=&group=', EMPTY_PLACE],
    ['#/runs?hide=&order=,', { ...EMPTY_PLACE, columns: { hidden: [], order: [] } }],
    ['#/runs?q=%20%20spaced%20%20', { ...EMPTY_PLACE, filter: 'spaced' }],
    ['#/runs?exp=1?exp=2', { ...EMPTY_PLACE, experiments: ['1?exp=2'] }],
    ['#/runs?group=a=b', { ...EMPTY_PLACE, groupBy: 'a=b' }],
  ];

  it.each(garbled)('%s reads as sensible defaults', (hash, place) => {
    expect(parseRoute(hash)).toEqual({ view: 'runs', place });
  });

  it('reads an empty query as the bare runs route (the view keeps its place)', () => {
    expect(parseRoute('#/runs?')).toEqual({ view: 'runs' });
    expect(parseRoute('#/runs?  ')).toEqual({ view: 'runs' });
  });

  it('never throws on hostile hashes', () => {
    for (const hash of ['#/runs?%', '#/runs?exp=%', '#/runs?' + '&'.repeat(1000), '#/runs?q=' + '%'.repeat(50), '#/runs?__proto__=1&constructor=2']) {
      expect(() => parseRoute(hash)).not.toThrow();
    }
  });
});
