import { oauthCrmProviders } from '../../clients/crm/crm-oauth-connect';
import { callSlack } from '../../clients/slack-client';
import { inTenant } from '../../db/tenant-scope';
import { CrmConnection, MeetingRecord, Tenant, User } from '../../entities';
import { renderAppHome, type AppHomeInput } from '../../slack/app-home';
import type { MeetingNeedingAttentionView } from '../../slack/home-needs-attention';
import type { ConnectTarget } from '../connections/connect-state';
import { connectStartUrl } from '../connections/oauth-connectors';
import { afterResponse } from '../http/after-response';
import type { ApiDependencies } from '../http/dependencies';
import { slackClientForTenant } from '../slack/slack-replies';
import type { SlackClick, SlackSubmission } from '../slack/slack-request';

const recentMeetings = 10;
/** The Home tab waits this long for meeting statuses; slower ones show as unavailable. */
const statusTimeoutMs = 1500;
/** Failed meetings listed for admins; the Web UI (and Retry all in their DM) covers the rest. */
const needsAttentionShown = 10;

/** The Home tab reads Postgres, the secret store and Temporal, and offers the connect links this deployment has. */
export type AppHomeDependencies = Pick<ApiDependencies, 'orm' | 'gateway' | 'secrets' | 'slack' | 'publicUrl' | 'connections' | 'now' | 'operator'>;

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
  const isAdmin = user?.role === 'admin';
  const [statuses, fathomConnected, googleConnected, needsAttention] = await Promise.all([
    deps.gateway.meetingStatuses(tenant, records.map((record) => record.recordingId), statusTimeoutMs),
    hasSecret(deps, user?.fathomSecretRef),
    hasSecret(deps, user?.googleSecretRef),
    isAdmin ? meetingsNeedingAttention(deps, tenant) : undefined,
  ]);
  const connectUrl = (target: ConnectTarget) => connectStartUrl(deps, { tenantId: tenant.id, slackUserId, target });
  return {
    meetings: records.map((record) => ({ title: record.title, startedAt: record.startedAt, status: statuses.get(record.recordingId) })),
    fathomConnected,
    googleConnected,
    googleProblem: googleConnected && user?.googleHealth !== 'ok' ? (user?.googleLastError ?? 'Google refused the last call.') : null,
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
          needsAttention,
        }
      : undefined,
  };
}

/**
 * The workspace's failed meetings for an admin, titled from Postgres, each linked to its history
 * in the Web UI. Undefined when Temporal is slow or down: the Home tab must still open.
 */
async function meetingsNeedingAttention(deps: AppHomeDependencies, tenant: Tenant): Promise<MeetingNeedingAttentionView[] | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), statusTimeoutMs);
  });
  const listed = deps.gateway.meetingsNeedingAttention(tenant, needsAttentionShown).catch(() => undefined);
  const meetings = await Promise.race([listed, deadline]).finally(() => clearTimeout(timer));
  if (!meetings) return undefined;
  const recordingIds = meetings.map((meeting) => meeting.recordingId);
  const records = recordingIds.length
    ? await inTenant(deps.orm, tenant.id, (em) => em.find(MeetingRecord, { recordingId: { $in: recordingIds } }, { fields: ['recordingId', 'title'] }))
    : [];
  const namespace = encodeURIComponent(deps.gateway.namespace);
  return meetings.map((meeting) => ({
    recordingId: meeting.recordingId,
    title: records.find((record) => record.recordingId === meeting.recordingId)?.title,
    crmSyncFailed: meeting.crmSyncFailed,
    operatorUrl: `${deps.operator.url}/namespaces/${namespace}/workflows/${encodeURIComponent(meeting.workflowId)}`,
  }));
}

/** A reference alone is not a connection: the secret must still be there. */
async function hasSecret(deps: Pick<ApiDependencies, 'secrets'>, secretRef: string | null | undefined): Promise<boolean> {
  return secretRef ? (await deps.secrets.get(secretRef)) !== null : false;
}
