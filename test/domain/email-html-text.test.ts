import assert from 'node:assert/strict';
import { htmlToMrkdwn, htmlToPlainText } from '../../domain/email-html-text';

const email =
  '<p>Ciao <b>Marco</b>,</p>\n  <p>grazie &amp; a presto &#8212; &quot;Q3&quot; &lt;draft&gt;&nbsp;ok &#x1F44D;</p><ul>\n<li>Offerta</li>\n<li><strong>Demo</strong> tecnica</li></ul>Saluti,<br/>Maria';

describe('the follow-up email as text', () => {
  it('reads as plain text with the line breaks and bullets of the HTML', () => {
    assert.equal(htmlToPlainText(email), 'Ciao Marco,\n\ngrazie & a presto — "Q3" <draft> ok 👍\n\n• Offerta\n• Demo tecnica\n\nSaluti,\nMaria');
  });

  it('reads as Slack mrkdwn with the same text, bold kept as *bold*', () => {
    assert.equal(htmlToMrkdwn(email), 'Ciao *Marco*,\n\ngrazie & a presto — "Q3" <draft> ok 👍\n\n• Offerta\n• *Demo* tecnica\n\nSaluti,\nMaria');
  });

  it('decodes an entity once: an escaped "&lt;" stays the text "&lt;"', () => {
    assert.equal(htmlToPlainText('<p>write &amp;lt;b&amp;gt; for bold</p>'), 'write &lt;b&gt; for bold');
    assert.equal(htmlToMrkdwn('<p>write &amp;lt;b&amp;gt; for bold</p>'), 'write &lt;b&gt; for bold');
  });

  it('puts the asterisks flush against the bold words, where Slack needs them to render bold', () => {
    assert.equal(htmlToMrkdwn('Hi<b> Marco </b>and team'), 'Hi *Marco* and team');
    assert.equal(htmlToMrkdwn('<b> </b>x'), 'x');
  });
});
