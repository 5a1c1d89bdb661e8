import { describe, expect, it } from 'vitest';

import { descriptionHtml, isExternalLink } from './markdown';

describe('descriptionHtml', () => {
  const cases: [string, string, string][] = [
    ['emphasis and code', '*a* **b** `c`', '<p><em>a</em> <strong>b</strong> <code>c</code></p>'],
    ['a list', '- x\n- y', '<ul>\n<li>x</li>\n<li>y</li>\n</ul>'],
    ['a heading', '## Result', '<h2>Result</h2>'],
    ['an https link', '[paper](https://example.com/p)', '<p><a href="https://example.com/p">paper</a></p>'],
    ['a script tag is text', '<script>alert(1)</script>', '&lt;script&gt;alert(1)&lt;/script&gt;'],
    ['inline HTML is text', 'x <b onclick="f()">y</b>', '<p>x &lt;b onclick=&quot;f()&quot;&gt;y&lt;/b&gt;</p>'],
    ['an HTML image is text', '<img src=x onerror=alert(1)>', '&lt;img src=x onerror=alert(1)&gt;'],
    ['a javascript: link loses its target', '[x](javascript:alert(1))', '<p><a href="">x</a></p>'],
    ['a data: link loses its target', '[x](data:text/html,hi)', '<p><a href="">x</a></p>'],
    ['an image is not loaded', '![plot](https://example.com/p.png)', '<p>!<a href="https://example.com/p.png">plot</a></p>'],
    ['entities are escaped', 'a < b & c > d', '<p>a &lt; b &amp; c &gt; d</p>'],
  ];
  it.each(cases)('%s', (_name, text, html) => {
    expect(descriptionHtml(text)).toBe(html);
  });
});

describe('isExternalLink', () => {
  const cases: [string | null, boolean][] = [
    ['https://example.com', true],
    ['HTTP://example.com', true],
    ['mailto:a@b.c', true],
    ['#/runs/abc', false],
    ['', false],
    [null, false],
  ];
  it.each(cases)('%s → %s', (href, external) => {
    expect(isExternalLink(href)).toBe(external);
  });
});
