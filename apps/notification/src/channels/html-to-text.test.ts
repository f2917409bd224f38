import { describe, expect, it } from 'vitest';
import { htmlToText } from './html-to-text.ts';

describe('htmlToText', () => {
  it('breaks lines at block ends and <br>, and drops the markup', () => {
    expect(htmlToText('<h1>Welcome</h1><p>Hello <b>Ada</b>,<br>your order shipped.</p><p>Thanks</p>')).toBe(
      'Welcome\nHello Ada,\nyour order shipped.\nThanks',
    );
  });

  it('keeps link addresses beside their text', () => {
    expect(htmlToText('<p><a href="https://x.test/u?a=1&amp;b=2">Unsubscribe</a></p>')).toBe(
      'Unsubscribe (https://x.test/u?a=1&b=2)',
    );
    expect(htmlToText("<a href='https://x.test/'>https://x.test/</a>")).toBe('https://x.test/');
  });

  it('drops style, script and comments and decodes entities', () => {
    expect(
      htmlToText(
        '<style>p { color: red }</style><!-- hidden --><p>5 &lt; 6 &amp; &quot;ok&quot;&nbsp;&#8364;&#x41;</p>',
      ),
    ).toBe('5 < 6 & "ok" €A');
  });

  it('lists items and collapses blank lines and spaces', () => {
    expect(htmlToText('<ul><li>one</li><li>two</li></ul>\n\n\n\n<p>  spaced    out  </p>')).toBe(
      '- one\n- two\n\nspaced out',
    );
  });

  it('leaves unknown entities and plain text as they are', () => {
    expect(htmlToText('Tom &unknown; Jerry')).toBe('Tom &unknown; Jerry');
  });
});
