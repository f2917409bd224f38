import { describe, expect, it } from 'vitest';
import { appendToBody, decodeAttribute, rewriteLinks } from './tracked-html.ts';

const track = async (url: string) => (url.includes('skip') ? null : `T(${url})`);

describe('rewriteLinks', () => {
  it('rewrites the http(s) href of <a> and <area> tags with the decoded URL, quoted either way', async () => {
    const html =
      '<a href="https://a.example/x?p=1&amp;q=2">A</a><AREA shape="rect" HREF = \'HTTP://b.example/\'><a title="x" href="https://a.example/x?p=1&amp;q=2">again</a>';
    expect(await rewriteLinks(html, track)).toBe(
      '<a href="T(https://a.example/x?p=1&q=2)">A</a><AREA shape="rect" HREF = "T(HTTP://b.example/)"><a title="x" href="T(https://a.example/x?p=1&q=2)">again</a>',
    );
  });

  it('leaves stylesheets, other schemes, anchors without href and declined links alone', async () => {
    const html = [
      '<link rel="stylesheet" href="https://cdn.example/m.css">',
      '<a href="mailto:x@example.com">m</a>',
      '<a href="#top">top</a>',
      '<a name="n">n</a>',
      '<a href="https://skip.example/">s</a>',
      '<abbr href="https://a.example/">not a link</abbr>',
    ].join('');
    expect(await rewriteLinks(html, track)).toBe(html);
  });

  it('asks once per distinct URL', async () => {
    const asked: string[] = [];
    await rewriteLinks('<a href="https://a.example/">1</a><a href="https://a.example/">2</a>', async (url) => {
      asked.push(url);
      return 'x';
    });
    expect(asked).toEqual(['https://a.example/']);
  });
});

describe('decodeAttribute', () => {
  it('decodes named and numeric character references, keeping unknown ones', () => {
    expect(decodeAttribute('a&amp;b&#38;c&#x26;d&quot;&lt;&gt;&apos;&nbsp;')).toBe('a&b&c&d"<>\'&nbsp;');
  });
});

describe('appendToBody', () => {
  it('inserts before the last </body>, or at the end without one', () => {
    expect(appendToBody('<body><p>x</p></BODY>\n</html>', '<img>')).toBe('<body><p>x</p><img></BODY>\n</html>');
    expect(appendToBody('<p>x</p>', '<img>')).toBe('<p>x</p><img>');
  });
});
