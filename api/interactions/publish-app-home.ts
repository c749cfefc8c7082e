import { oauthCrmProviders } from '../../clients/crm/crm-oauth-connect';
import { callSlack } from '../../clients/slack-client';
import { inTenant } from '../../db/tenant-scope';
import { CrmConnection, MeetingRecord, Tenant, User } from '../../entities';
import { renderAppHome, type AppHomeInput } from '../../slack/app-home';
import type { ConnectTarget } from '../connections/connect-state';
import { connectStartUrl } from '../connections/oauth-connectors';
import { afterResponse } from '../http/after-response';
import type { ApiDependencies } from '../http/dependencies';
import { slackClientForTenant } from '../slack/slack-replies';
import type { SlackClick, SlackSubmission } from '../slack/slack-request';

const recentMeetings = 10;
/** The Home tab waits this long for meeting statuses; slower ones show as unavailable. */
const statusTimeoutMs = 1500;

/** The Home tab reads Postgres, the secret store and Temporal, and offers the connect links this deployment has. */
export type AppHomeDependencies = Pick<ApiDependencies, 'orm' | 'gateway' | 'secrets' | 'slack' | 'publicUrl' | 'connections' | 'now'>;

/** What a handler that may change the Home tab answers: Slack's answer, and whether the tab is now out of date. */
export interface HomeChange<Answer> {
  answer: Answer;
  changed: boolean;
}

/** Wraps such a handler: the user's Home tab is republished once Slack has its answer. */
export function republishingHome<Request extends SlackClick | SlackSubmission, Answer>(
  deps: AppHomeDependencies & Pick<ApiDependencies, 'logger'>,
  handle: (request: Request) => Promise<HomeChange<Answer>>,
): (request: Request) => Promise<Answer> {
  return async (request) => {
    const { answer, changed } = await handle(request);
    const slackUserId = request.payload.user.id;
    if (changed) afterResponse(request.ctx, deps.logger, 'Republishing App Home', () => publishAppHome(deps, request.tenant, slackUserId));
    return answer;
  };
}

/** Builds the user's Home tab from Postgres, the secret store and Temporal, and publishes it. */
export async function publishAppHome(deps: AppHomeDependencies, tenant: Tenant, slackUserId: string): Promise<void> {
  const slack = await slackClientForTenant(deps, tenant);
  if (!slack) return;
  const home = await appHomeFor(deps, tenant, slackUserId);
  await callSlack(() => slack.views.publish({ user_id: slackUserId, view: renderAppHome(home) }));
}

async function appHomeFor(deps: AppHomeDependencies, tenant: Tenant, slackUserId: string): Promise<AppHomeInput> {
  // Settings are read fresh: the Home tab is republished right after an admin saves them.
  const { settings, user, records, connections } = await inTenant(deps.orm, tenant.id, async (em) => ({
    settings: (await em.findOneOrFail(Tenant, { id: tenant.id })).settings,
    user: await em.findOne(User, { slackUserId }),
    records: await em.find(
      MeetingRecord,
      { repSlackUserId: slackUserId },
      { orderBy: { startedAt: 'desc' }, limit: recentMeetings, fields: ['recordingId', 'title', 'startedAt'] },
    ),
    connections: await em.find(CrmConnection, {}, { orderBy: { createdAt: 'asc' } }),
  }));
  const [statuses, fathomConnected, googleConnected] = await Promise.all([
    deps.gateway.meetingStatuses(tenant, records.map((record) => record.recordingId), statusTimeoutMs),
    hasSecret(deps, user?.fathomSecretRef),
    hasSecret(deps, user?.googleSecretRef),
  ]);
  const isAdmin = user?.role === 'admin';
  const connectUrl = (target: ConnectTarget) => connectStartUrl(deps, { tenantId: tenant.id, slackUserId, target });
  return {
    meetings: records.map((record) => ({ title: record.title, startedAt: record.startedAt, status: statuses.get(record.recordingId) })),
    fathomConnected,
    googleConnected,
    crmConnections: connections.map((connection) => ({
      provider: connection.provider,
      health: connection.health,
      isDefault: connection.isDefault,
      lastError: connection.lastError,
    })),
    googleConnectUrl: connectUrl('google'),
    admin: isAdmin
      ? {
          settings,
          defaultCrm: connections.find((connection) => connection.isDefault)?.provider ?? null,
          reinstallUrl: deps.slack.oauth ? `${deps.publicUrl}/slack/install` : null,
          crmConnectLinks: oauthCrmProviders.flatMap((provider) => {
            const url = connectUrl(provider);
            return url ? [{ provider, url }] : [];
          }),
          cronoOffered: !!deps.connections,
        }
      : undefined,
  };
}

/** A reference alone is not a connection: the secret must still be there. */
async function hasSecret(deps: Pick<ApiDependencies, 'secrets'>, secretRef: string | null | undefined): Promise<boolean> {
  return secretRef ? (await deps.secrets.get(secretRef)) !== null : false;
}
