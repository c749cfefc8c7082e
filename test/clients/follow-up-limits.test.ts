import assert from 'node:assert/strict';
import { countEmailWords, sanitizeEmailHtml, truncateAtWord } from '../../clients/follow-up-limits';

describe('Follow-up limits', () => {
  it('truncates at a word boundary and marks the cut', () => {
    assert.equal(truncateAtWord('short text', 50), 'short text');
    const cut = truncateAtWord('alpha beta gamma delta epsilon', 17);
    assert.equal(cut, 'alpha beta gamma…');
    assert.ok(cut.length <= 17);
    assert.equal(truncateAtWord('x'.repeat(30), 10).length, 10);
  });

  it('keeps only b, br, p, ul, li without attributes and balances tags', () => {
    assert.equal(sanitizeEmailHtml('<p class="x">Hi <strong>there</strong><br/>again</p>'), '<p>Hi <b>there</b><br>again</p>');
    assert.equal(sanitizeEmailHtml('<div><h1>Title</h1><ol><li>one<li>two</ol></div>'), 'Title<ul><li>one<li>two</li></li></ul>');
    assert.equal(sanitizeEmailHtml('<p>a<style>p{}</style><!-- note --><img src=x onerror=alert(1)>b</p>'), '<p>ab</p>');
    assert.equal(sanitizeEmailHtml('<p><b>unclosed'), '<p><b>unclosed</b></p>');
    assert.equal(sanitizeEmailHtml('</b>stray close & 3 < 4'), 'stray close &amp; 3 &lt; 4');
    assert.equal(sanitizeEmailHtml('Tom &amp; Jerry &eacute;'), 'Tom &amp; Jerry &eacute;');
  });

  it('cuts the email after the word limit, closing open tags', () => {
    const html = `<p>${'word '.repeat(150)}</p><ul><li>${'more '.repeat(100)}</li></ul><p>Bye</p>`;
    const limited = sanitizeEmailHtml(html, 200);
    assert.equal(countEmailWords(limited), 200);
    assert.match(limited, /more…<\/li><\/ul>$/);
  });

  it('counts words without tags', () => {
    assert.equal(countEmailWords('<p>Hi <b>John</b>,</p><ul><li>one two</li></ul>'), 5);
  });
});
