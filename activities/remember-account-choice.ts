import { appendAudit } from '../db/audit';
import { inTenant } from '../db/tenant-scope';
import { normaliseDomain } from '../domain/crm';
import { AccountMapping, MeetingRecord } from '../entities';
import type { AccountCandidate, ActingFor } from '../domain/meeting';
import type { ActivityDependencies } from './dependencies';
import { companyDomains } from './match-account';
import { crmProviderFor, defaultCrmConnection } from './tenant-services';
import { assertActsForProvenActor } from './actor-authority';

export interface RememberAccountChoiceInput extends ActingFor {
  tenantId: string;
  meetingRecordId: string;
  workflowId: string;
  account: AccountCandidate;
}

/**
 * The rep's pick teaches the tenant, but only about the chosen company: the meeting's attendee
 * domains equal to the account's own domain in the CRM now map to it. Other companies in the
 * meeting (a partner, a reseller) are not theirs, so their domains are left alone.
 */
export function rememberAccountChoiceActivity(deps: ActivityDependencies) {
  return async function rememberAccountChoice(input: RememberAccountChoiceInput): Promise<void> {
    await assertActsForProvenActor(deps, input, 'account.chosen');
    const { connection, attendeeDomains } = await inTenant(deps.orm, input.tenantId, async (em) => {
      const record = await em.findOneOrFail(MeetingRecord, { id: input.meetingRecordId });
      const attendeeDomains = companyDomains(record.attendees.filter((a) => a.external).map((a) => a.domain ?? a.email ?? ''));
      return { connection: await defaultCrmConnection(em), attendeeDomains };
    });
    if (!connection) return;
    const account = await crmProviderFor(deps, connection).getAccount(input.account.id);
    const accountDomain = account?.domain ? normaliseDomain(account.domain) : undefined;
    const domains = attendeeDomains.filter((domain) => domain === accountDomain);

    await inTenant(deps.orm, input.tenantId, async (em) => {
      for (const domain of domains) {
        const mapping =
          (await em.findOne(AccountMapping, { provider: connection.provider, domain })) ??
          Object.assign(new AccountMapping(), { tenantId: input.tenantId, provider: connection.provider, domain });
        Object.assign(mapping, {
          accountId: input.account.id,
          accountName: input.account.name,
          source: 'rep-choice',
          confidence: 1,
          lastUsedAt: deps.now(),
          createdBySlackUserId: input.actorSlackUserId,
        });
        em.persist(mapping);
      }
      appendAudit(em, {
        tenantId: input.tenantId,
        actor: input.actorSlackUserId,
        action: 'account.chosen',
        target: input.account.id,
        result: 'success',
        workflowId: input.workflowId,
        detail: { domains },
      });
    });
  };
}
