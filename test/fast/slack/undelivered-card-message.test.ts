import assert from 'node:assert/strict';
import { undeliveredCardText } from '../../../slack/undelivered-card-message';

describe('the notice to a rep whose card Slack did not take', () => {
  it('shows the meeting title as text: a title cannot mention the channel or link elsewhere', () => {
    const text = undeliveredCardText({ title: 'Sync <!channel> <https://evil.example|invoice>', failure: { kind: 'retryable', message: 'Slack is unavailable.' }, cardPosted: false, locale: null });
    assert.doesNotMatch(text, /<!channel>|<https:/);
    assert.match(text, /Sync &lt;!channel&gt;/);
  });

  it('speaks the rep’s language, names App Home’s “Needs attention” as it is shown, and keeps the reason', () => {
    const refused = { kind: 'invalid', message: 'The channel was archived.' };
    const italian = undeliveredCardText({ title: 'Demo Acme', failure: { kind: 'reconnect', message: '' }, cardPosted: false, locale: 'it-IT' });
    assert.match(italian, /Non sono riuscito a pubblicare la scheda di follow-up di “Demo Acme”/);
    assert.match(italian, /“Needs attention”/);
    const german = undeliveredCardText({ title: 'Demo Acme', failure: refused, cardPosted: true, locale: 'de-DE' });
    assert.match(german, /Follow-up-Karte für „Demo Acme“ zu aktualisieren: The channel was archived\./);
    const unknownLocale = undeliveredCardText({ title: 'Demo Acme', failure: { kind: 'retryable', message: '' }, cardPosted: true, locale: 'ja-JP' });
    assert.match(unknownLocale, /^⚠️ Slack is not taking my messages right now, so I couldn’t update the follow-up card for “Demo Acme”/);
  });
});
