import assert from 'node:assert/strict';
import { companyDomains, verdictFor } from '../../../activities/match-account';
import type { AccountCandidate } from '../../../domain/meeting';

function candidate(id: string, confidence: number, source: AccountCandidate['source'] = 'domain'): AccountCandidate {
  return { id, name: `Account ${id}`, confidence, source };
}

describe('account matching rules', function () {
  it('looks up company domains only: free-mail is left out, addresses and URLs are reduced to one domain each', function () {
    assert.deepEqual(
      companyDomains(['john@Client.com', 'priya@client.com', 'someone@gmail.com', 'https://www.client.com/about', 'pat@outlook.com', 'x@partner.io']),
      ['client.com', 'partner.io'],
    );
    assert.deepEqual(companyDomains(['a@gmail.com', 'b@yahoo.co.uk', 'nodomain']), [], 'only free-mail: nothing to search the CRM for');
  });

  it('matches the one confident candidate (a remembered mapping or a single domain hit)', function () {
    const match = verdictFor([candidate('mapped', 1, 'mapping'), candidate('by-name', 0.4, 'name')]);
    assert.equal(match.verdict, 'matched');
    assert.equal(match.chosen?.id, 'mapped');
    assert.equal(verdictFor([candidate('only-on-domain', 0.95)]).chosen?.id, 'only-on-domain');
  });

  it('asks the rep when two candidates are equally sure, or when none is sure enough', function () {
    const twoOnOneDomain = verdictFor([candidate('us', 0.5), candidate('eu', 0.5)]);
    assert.equal(twoOnOneDomain.verdict, 'ambiguous');
    assert.equal(twoOnOneDomain.chosen, undefined, 'never guessed between');
    assert.deepEqual(twoOnOneDomain.candidates.map((c) => c.id), ['us', 'eu']);

    const twoConfident = verdictFor([candidate('a', 0.95), candidate('b', 0.95)]);
    assert.equal(twoConfident.verdict, 'ambiguous');

    assert.equal(verdictFor([candidate('by-name', 0.4, 'name')]).verdict, 'ambiguous', 'a name-only hit is offered, not chosen');
  });

  it('says none when nothing was found', function () {
    assert.deepEqual(verdictFor([]), { verdict: 'none', candidates: [] });
  });
});
