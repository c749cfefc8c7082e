import assert from 'node:assert/strict';
import { undeliveredCardText } from '../../../slack/undelivered-card-message';

describe('the notice to a rep whose card Slack did not take', () => {
  it('shows the meeting title as text: a title cannot mention the channel or link elsewhere', () => {
    const text = undeliveredCardText({ title: 'Sync <!channel> <https://evil.example|invoice>', failure: { kind: 'retryable', message: 'Slack is unavailable.' }, cardPosted: false });
    assert.doesNotMatch(text, /<!channel>|<https:/);
    assert.match(text, /Sync &lt;!channel&gt;/);
  });
});
