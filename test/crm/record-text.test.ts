import assert from 'node:assert/strict';
import { hasIdempotencyMarker, recordHtml, recordText } from '../../clients/crm/record-text';
import { isSalesforceId, soqlContainsPattern, soqlString } from '../../clients/crm/soql';

describe('CRM record text', function () {
  it('ends plain text with the marker and shortens only the body to fit', function () {
    const text = recordText({ title: 'Title', body: 'x'.repeat(100), idempotencyKey: 'k', maxLength: 40 });

    assert.equal(text.length, 40);
    assert.ok(text.startsWith('Title\n\nxxx'));
    assert.ok(text.endsWith('…\n\nref:k'));
  });

  it('escapes HTML, turns line breaks into <br>, and never cuts an entity in half', function () {
    assert.equal(recordHtml({ title: 'A & B', body: '<b>\r\nline', idempotencyKey: 'k' }), '<strong>A &amp; B</strong><br><br>&lt;b&gt;<br>line<br><br>ref:k');

    const html = recordHtml({ body: '&&&&&&&&&&', idempotencyKey: 'k', maxLength: 30 });
    assert.ok(html.length <= 30);
    assert.match(html, /^(&amp;)+…<br><br>ref:k$/);
  });

  it('recognises its own marker in plain text and HTML, but not a longer key that starts with it', function () {
    assert.ok(hasIdempotencyMarker('Body\n\nref:m1:note', 'm1:note'));
    assert.ok(hasIdempotencyMarker('<p>Body<br><br>ref:m1:note</p>', 'm1:note'));
    assert.ok(hasIdempotencyMarker('ref:a&amp;b<br>', 'a&b'));
    assert.ok(!hasIdempotencyMarker('Body\n\nref:m1:note-2', 'm1:note'));
    assert.ok(!hasIdempotencyMarker('ref:m1:note2 and ref:m1:notes', 'm1:note'));
    assert.ok(hasIdempotencyMarker('ref:m1:note-2 then ref:m1:note', 'm1:note'));
    assert.ok(!hasIdempotencyMarker(null, 'm1:note'));
  });
});

describe('SOQL literals', function () {
  it('escapes quotes, backslashes and control characters', function () {
    assert.equal(soqlString("O'Brien \\ \"x\"\n"), "'O\\'Brien \\\\ \\\"x\\\"\\n'");
  });

  it('makes % and _ literal inside a contains pattern', function () {
    assert.equal(soqlContainsPattern("100%_o'k"), "'%100\\%\\_o\\'k%'");
  });

  it('accepts only 15 or 18 alphanumeric ids', function () {
    assert.ok(isSalesforceId('001xx000003DGb2'));
    assert.ok(isSalesforceId('001xx000003DGb2AAG'));
    assert.ok(!isSalesforceId("001xx000003DGb2'"));
    assert.ok(!isSalesforceId('001xx000003DGb2AA'));
  });
});
