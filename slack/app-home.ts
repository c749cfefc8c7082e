import type { Button, HomeView, KnownBlock } from '@slack/types';
import type { OAuthCrmProvider } from '../clients/crm/crm-oauth-connect';
import type { CrmProviderName } from '../domain/crm';
import type { TenantSettings } from '../entities';
import type { ConnectionHealth } from '../entities/crm-connection';
import type { MeetingStatus } from '../domain/meeting';
import { connectActions, disconnectActions, homeActions } from './action-ids';
import { actions, button, capBlocks, blockKitLimits, context, divider, escapeMrkdwn, fieldsSection, header, plainText, section, truncate } from './block-kit';
import { needsAttentionBlocks, type MeetingNeedingAttentionView } from './home-needs-attention';
import { autoLogLabels, crmLabels, languageLabel, toneLabels } from './settings-labels';

/**
 * The app's Home tab: the rep's latest follow-ups, what is connected with a Connect (or
 * Reconnect) button each, and for admins the workspace settings and CRM connections. A service
 * this deployment has no OAuth app for gets no button rather than one that leads nowhere.
 */
export interface AppHomeInput {
  meetings: { title: string; startedAt: Date; status: MeetingStatus | undefined }[];
  fathomConnected: boolean;
  googleConnected: boolean;
  /** Why Google refused the rep's last call (revoked, expired grant); null while it works. */
  googleProblem: string | null;
  crmConnections: { provider: CrmProviderName; health: ConnectionHealth; isDefault: boolean; lastError?: string | null }[];
  /** Google's consent link for this rep (10 minutes, single use); null when not offered here. */
  googleConnectUrl: string | null;
  /** Only for workspace admins. */
  admin?: {
    settings: TenantSettings;
    defaultCrm: CrmProviderName | null;
    reinstallUrl: string | null;
    /** Consent links of the OAuth CRMs this deployment offers, for this admin. */
    crmConnectLinks: { provider: OAuthCrmProvider; url: string }[];
    cronoOffered: boolean;
    /** The workspace's failed meetings; undefined when Temporal did not answer in time. */
    needsAttention: MeetingNeedingAttentionView[] | undefined;
  };
}

const statusLabels: Record<MeetingStatus, string> = {
  preparing: '⏳ Preparing',
  'skipped-internal': 'ℹ️ Internal meeting, skipped',
  'awaiting-rep': '👀 Waiting for you',
  working: '⚙️ Working',
  'needs-attention': '⚠️ Needs attention',
  completed: '✅ Done',
  dismissed: '🗑️ Dismissed',
  expired: '⌛ Expired',
  cancelled: '⛔ Closed',
};

const healthLabels: Record<ConnectionHealth, string> = {
  ok: '✅ connected',
  'needs-reconnect': '⚠️ needs reconnecting',
  error: '❌ failing',
};

export function renderAppHome(input: AppHomeInput): HomeView {
  const blocks: KnownBlock[] = [header('Meeting follow-ups'), section('*Your recent meetings*')];
  if (input.meetings.length === 0) {
    blocks.push(section('No follow-ups yet. Type `/followup` in any channel to pick one of your recorded meetings.'));
  }
  for (const meeting of input.meetings) {
    const status = meeting.status ? statusLabels[meeting.status] : 'Status unavailable right now';
    blocks.push(section(`*${escapeMrkdwn(truncate(meeting.title, 200))}*\n${slackDate(meeting.startedAt)} · ${status}`));
  }
  blocks.push(divider(), section('*Connections*'), section(connectionLines(input).join('\n')), actions('home_connect', connectButtons(input)));
  const disconnects = disconnectButtons(input);
  if (disconnects.length > 0) blocks.push(actions('home_disconnect', disconnects));
  if (!input.admin) blocks.push(context(['Your workspace admin connects the CRM.']));
  if (input.admin) blocks.push(...needsAttentionBlocks(input.admin.needsAttention), ...adminBlocks(input.admin));
  return { type: 'home', blocks: capBlocks(blocks, blockKitLimits.viewBlocks) };
}

function connectionLines(input: AppHomeInput): string[] {
  const lines = [
    `*Fathom*: ${input.fathomConnected ? '✅ connected' : '❌ not connected — `/followup` and automatic follow-ups need it'}`,
    `*Google (Gmail & Calendar)*: ${googleState(input)}`,
  ];
  if (input.crmConnections.length === 0) lines.push('*CRM*: ❌ not connected — notes, tasks and deal updates need it');
  for (const connection of input.crmConnections) {
    const problem = connection.health !== 'ok' && connection.lastError ? `: ${escapeMrkdwn(truncate(connection.lastError, 200))}` : '';
    lines.push(`*${crmLabels[connection.provider]}*${connection.isDefault ? ' (default CRM)' : ''}: ${healthLabels[connection.health]}${problem}`);
  }
  return lines;
}

function googleState(input: AppHomeInput): string {
  if (!input.googleConnected) return '❌ not connected — Gmail drafts and follow-up events need it';
  if (input.googleProblem) return `${healthLabels['needs-reconnect']}: ${escapeMrkdwn(truncate(input.googleProblem, 200))}`;
  return healthLabels.ok;
}

function connectButtons(input: AppHomeInput): Button[] {
  const buttons = [connectButton('Fathom', connectActions.fathom, input.fathomConnected ? 'ok' : null)];
  const googleHealth: ConnectionHealth | null = input.googleConnected ? (input.googleProblem ? 'needs-reconnect' : 'ok') : null;
  if (input.googleConnectUrl) buttons.push(connectButton('Google', connectActions.google, googleHealth, input.googleConnectUrl));
  const admin = input.admin;
  if (!admin) return buttons;
  const health = (provider: CrmProviderName) => input.crmConnections.find((connection) => connection.provider === provider)?.health ?? null;
  for (const link of admin.crmConnectLinks) buttons.push(connectButton(crmLabels[link.provider], connectActions[link.provider], health(link.provider), link.url));
  if (admin.cronoOffered) buttons.push(connectButton('Crono', connectActions.crono, health('crono')));
  return buttons;
}

/** Not connected, or connected but broken: the button stands out. Connected and fine: Reconnect, plain. */
function connectButton(label: string, actionId: string, health: ConnectionHealth | null, url?: string): Button {
  const text = health ? `Reconnect ${label}` : `Connect ${label}`;
  return button({ text, actionId, value: actionId, ...(health === 'ok' ? {} : { style: 'primary' as const }), ...(url ? { url } : {}) });
}

function disconnectButtons(input: AppHomeInput): Button[] {
  const buttons: Button[] = [];
  if (input.fathomConnected) buttons.push(disconnectButton('Fathom', disconnectActions.fathom, 'fathom', 'I will stop preparing follow-ups for your new Fathom recordings.'));
  if (input.googleConnected) buttons.push(disconnectButton('Google', disconnectActions.google, 'google', 'I will stop creating Gmail drafts and calendar events for you.'));
  if (input.admin) {
    for (const { provider } of input.crmConnections) {
      buttons.push(disconnectButton(crmLabels[provider], disconnectActions.crm, provider, `Notes, tasks and deal updates will no longer go to ${crmLabels[provider]} for anyone in this workspace.`));
    }
  }
  return buttons;
}

function disconnectButton(label: string, actionId: string, value: string, consequence: string): Button {
  return {
    ...button({ text: `Disconnect ${label}`, actionId, value }),
    confirm: {
      title: plainText(`Disconnect ${label}?`, 100),
      text: plainText(`${consequence} The stored credentials are deleted now.`, 300),
      confirm: plainText('Disconnect', 30),
      deny: plainText('Keep', 30),
      style: 'danger',
    },
  };
}

function adminBlocks(admin: NonNullable<AppHomeInput['admin']>): KnownBlock[] {
  const { settings } = admin;
  const buttons = [button({ text: 'Edit settings', actionId: homeActions.editSettings, value: 'settings', style: 'primary' })];
  if (admin.reinstallUrl) buttons.push(button({ text: 'Reinstall in Slack', actionId: homeActions.reinstall, value: 'reinstall', url: admin.reinstallUrl }));
  return [
    divider(),
    section('*Workspace settings* (admins only)'),
    fieldsSection([
      `*Language*\n${escapeMrkdwn(languageLabel(settings.language))}`,
      `*Tone*\n${toneLabels[settings.tone]}`,
      `*Log to CRM automatically*\n${autoLogLabels[settings.autoLogPolicy]}`,
      `*Default CRM*\n${admin.defaultCrm ? crmLabels[admin.defaultCrm] : 'None connected'}`,
      `*Reminder after*\n${settings.nudgeAfterHours} hours`,
      `*Follow-ups close after*\n${settings.expireAfterDays} days`,
    ]),
    actions('home_admin', buttons),
  ];
}

/** Slack renders this in each viewer's own time zone. */
function slackDate(date: Date): string {
  const seconds = Math.floor(date.getTime() / 1000);
  return `<!date^${seconds}^{date_short_pretty} {time}|${date.toISOString().slice(0, 16).replace('T', ' ')} UTC>`;
}
