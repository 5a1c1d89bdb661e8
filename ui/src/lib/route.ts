// Where the UI is, as the URL's hash: `#/runs`, `#/runs/<run id>`, `#/compare?runs=a,b`,
// `#/models`, `#/models/<name>`, `#/settings`. Hash routes work the same in the desktop window
// (a file-like origin) and under `cairn serve`, and survive reloads and the back button.

export type Route =
  | { view: 'runs' }
  | { view: 'run'; runId: string }
  | { view: 'compare'; runIds: string[] }
  | { view: 'models' }
  | { view: 'model'; name: string }
  | { view: 'settings' };

/** The route a hash (`#/runs/abc`, with or without `#`) names; anything unknown is the runs view. */
export function parseRoute(hash: string): Route {
  const text = hash.replace(/^#/, '');
  const [path = '', query = ''] = text.split('?', 2);
  const parts = path
    .split('/')
    .filter((part) => part !== '')
    .map(decodeSegment);
  const params = new URLSearchParams(query);
  switch (parts[0]) {
    case 'runs':
      return parts[1] !== undefined ? { view: 'run', runId: parts[1] } : { view: 'runs' };
    case 'compare': {
      const runIds = (params.get('runs') ?? '').split(',').filter((id) => id !== '');
      return { view: 'compare', runIds };
    }
    case 'models':
      return parts[1] !== undefined ? { view: 'model', name: parts[1] } : { view: 'models' };
    case 'settings':
      return { view: 'settings' };
    default:
      return { view: 'runs' };
  }
}

/** The hash for a route; `parseRoute(routeHash(r))` gives `r` back. */
export function routeHash(route: Route): string {
  switch (route.view) {
    case 'runs':
      return '#/runs';
    case 'run':
      return `#/runs/${encodeURIComponent(route.runId)}`;
    case 'compare':
      return `#/compare?runs=${route.runIds.map(encodeURIComponent).join(',')}`;
    case 'models':
      return '#/models';
    case 'model':
      return `#/models/${encodeURIComponent(route.name)}`;
    case 'settings':
      return '#/settings';
  }
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
