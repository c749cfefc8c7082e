/**
 * What people see when CRM notes fail for good (issue 14): the workspace admins' DM, one per
 * incident (activities/report-failed-sync.ts), App Home's "Needs attention" listing the failed
 * meetings, and the DM's Retry all reaching them. Read from the Slack emulator's records, as a
 * person would see them, and from the audit log.
 */
import { randomUUID } from 'node:crypto';
import { signSlackRequest } from '../../emulators/slack-request-signer';
import { inTenant } from '../../db/tenant-scope';
import { AuditLog, SyncIncident, User } from '../../entities';
import { cardActions, incidentActions } from '../../slack/action-ids';
import { meetingWorkflowId, statusQuery } from '../../workflows/messages';
import type { DrillStack } from '../lib/drill-stack';
import { postRaw } from '../lib/http';
import { signedClick, type ClickTarget } from '../lib/slack-traffic';

export interface FailedSyncNotice {
  /** Incidents recorded in Postgres for the admins' workspaces. */
  incidents: number;
  /** DMs posted to the admins about them (one per incident per admin expected). */
  adminDms: number;
  /** Failed meetings listed with their Retry under "Needs attention" in the admins' App Home. */
  listedInHome: number;
  /** Failed meetings named by the audited Retry all of their workspace's admin. */
  reachedByRetryAll: number;
}

/** The reps of these meetings become their workspaces' admins (the seeded workspaces have none). */
export async function makeAdmins(stack: DrillStack, targets: ClickTarget[]): Promise<void> {
  for (const target of targets) {
    await inTenant(stack.orm, target.tenantId, async (em) => {
      (await em.findOneOrFail(User, { slackUserId: target.userId })).role = 'admin';
    });
  }
}

/** Waits until the note of every meeting shows failed on its card; false after `timeoutMs`. */
export async function waitForFailedNotes(stack: DrillStack, targets: ClickTarget[], timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const states = await Promise.all(
      targets.map((target) => stack.client.workflow.getHandle(meetingWorkflowId(target.tenantId, target.recordingId)).query(statusQuery).catch(() => undefined)),
    );
    if (states.every((state) => state?.actions.note.status === 'failed')) return true;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  return false;
}

/** The admins' DMs about failed syncs: messages carrying the Retry all button. */
function incidentDms(stack: DrillStack, adminUserId: string): number {
  const messages = stack.emulators.slack.messages(stack.emulators.slack.directMessageChannel(adminUserId));
  return messages.filter((message) => JSON.stringify(message.blocks ?? []).includes(incidentActions.retryAll)).length;
}

/** Opens the admin's App Home (a signed app_home_opened event) and reads what was published. */
async function openAppHome(stack: DrillStack, admin: ClickTarget): Promise<string | undefined> {
  const before = stack.emulators.slack.homeViews(admin.userId).length;
  const body = JSON.stringify({
    token: 'deprecated-verification-token',
    team_id: admin.teamId,
    api_app_id: 'A0EMULATOR',
    type: 'event_callback',
    event_id: `Ev${randomUUID().replace(/-/g, '').slice(0, 12).toUpperCase()}`,
    event_time: Math.floor(Date.now() / 1000),
    event: { type: 'app_home_opened', user: admin.userId, channel: stack.emulators.slack.directMessageChannel(admin.userId), tab: 'home', event_ts: String(Date.now() / 1000) },
    authorizations: [{ team_id: admin.teamId, user_id: 'U0BOT', is_bot: true, is_enterprise_install: false }],
  });
  await postRaw(`${stack.apiUrl}/slack/events`, signSlackRequest({ signingSecret: stack.signingSecret, body }).headers, body);
  // The tab is published after Slack has its answer.
  for (let waited = 0; waited < 30_000; waited += 250) {
    const views = stack.emulators.slack.homeViews(admin.userId);
    if (views.length > before) return JSON.stringify(views.at(-1));
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return undefined;
}

/**
 * Checks the DMs and App Home for the failed meetings (`failed`, whose reps are admins), then
 * clicks Retry all in each admin's DM. Returns what was seen.
 */
export async function checkFailedSyncNotice(stack: DrillStack, failed: ClickTarget[], timeoutMs: number): Promise<FailedSyncNotice> {
  const admins = [...new Map(failed.map((target) => [target.tenantId, target])).values()];
  const incidents = (await Promise.all(admins.map((admin) => inTenant(stack.orm, admin.tenantId, (em) => em.count(SyncIncident, {}))))).reduce((sum, count) => sum + count, 0);
  // The DM follows the card's "failed" by one activity: wait for it, do not assume it.
  const deadline = Date.now() + timeoutMs;
  const dmCount = (): number => admins.reduce((sum, admin) => sum + incidentDms(stack, admin.userId), 0);
  while (dmCount() < incidents && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 500));
  const adminDms = dmCount();

  let listedInHome = 0;
  for (const admin of admins) {
    const ofAdmin = failed.filter((target) => target.tenantId === admin.tenantId);
    // Temporal's list of failed syncs is eventually consistent: open the tab again until it shows them.
    for (let listed = 0; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 2000))) {
      const home = await openAppHome(stack, admin);
      listed = home?.includes('Needs attention') ? ofAdmin.filter((target) => home.includes(`"action_id":"${cardActions.retry}","value":"${target.recordingId}"`)).length : 0;
      if (listed === ofAdmin.length || Date.now() >= deadline) {
        listedInHome += listed;
        break;
      }
    }
  }

  let reachedByRetryAll = 0;
  for (const admin of admins) {
    const incident = await inTenant(stack.orm, admin.tenantId, (em) => em.findOne(SyncIncident, {}, { orderBy: { openedAt: 'desc' } }));
    const click = signedClick(stack.signingSecret, stack.emulators.slack, { ...admin, channelId: stack.emulators.slack.directMessageChannel(admin.userId), recordingId: incident?.id ?? '' }, `drill-retry-all-${admin.tenantId}`, incidentActions.retryAll);
    await postRaw(`${stack.apiUrl}${click.path}`, click.headers, click.body);
    const rows = await inTenant(stack.orm, admin.tenantId, (em) => em.find(AuditLog, { action: 'crm-sync.retry-all', actor: admin.userId }));
    const reached = new Set(rows.flatMap((row) => (row.detail.workflowIds as string[] | undefined) ?? []));
    reachedByRetryAll += failed.filter((target) => target.tenantId === admin.tenantId && reached.has(meetingWorkflowId(target.tenantId, target.recordingId))).length;
  }
  return { incidents, adminDms, listedInHome, reachedByRetryAll };
}
