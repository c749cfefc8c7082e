import type { CalendarEvents, EmailDrafts } from '../clients/google-workspace';
import { ExternalServiceError } from '../domain/service-errors';
import { inTenant } from '../db/tenant-scope';
import { User } from '../entities';
import type { ConnectionHealth } from '../entities/crm-connection';
import type { ActivityDependencies } from './dependencies';

/**
 * Keeps the rep's Google connection health honest from real calls, as crm-session.ts does for
 * the CRM: Google refusing the grant (revoked, expired, scope removed) flags it for reconnection
 * in App Home, and a call that works clears the flag. Other failures say nothing about the grant.
 */
export function trackGoogleHealth(
  deps: ActivityDependencies,
  rep: Pick<User, 'id' | 'tenantId' | 'googleHealth'>,
  workspace: { drafts: EmailDrafts; calendar: CalendarEvents },
): { drafts: EmailDrafts; calendar: CalendarEvents } {
  const tracked = async <T>(call: () => Promise<T>): Promise<T> => {
    try {
      const result = await call();
      if (rep.googleHealth !== 'ok') await setGoogleHealth(deps, rep, 'ok', null);
      return result;
    } catch (error) {
      if (error instanceof ExternalServiceError && error.kind === 'reconnect') await setGoogleHealth(deps, rep, 'needs-reconnect', error.userMessage);
      throw error;
    }
  };
  const { drafts, calendar } = workspace;
  return {
    drafts: { createDraft: (request) => tracked(() => drafts.createDraft(request)) },
    calendar: {
      createEvent: (request) => tracked(() => calendar.createEvent(request)),
      sendInvitations: (eventId) => tracked(() => calendar.sendInvitations(eventId)),
    },
  };
}

async function setGoogleHealth(deps: ActivityDependencies, rep: Pick<User, 'id' | 'tenantId'>, health: ConnectionHealth, lastError: string | null): Promise<void> {
  await inTenant(deps.orm, rep.tenantId, async (em) => {
    const user = await em.findOne(User, { id: rep.id });
    if (user) Object.assign(user, { googleHealth: health, googleLastError: lastError });
  });
}
