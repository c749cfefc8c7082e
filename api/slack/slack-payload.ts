/**
 * Parses what Slack sends (form-encoded commands, `payload=` JSON for interactions, JSON for
 * events) and finds the workspace ids it claims, for tenant resolution after verification.
 */
export type SlackBody =
  | { kind: 'command'; fields: Record<string, string> }
  | { kind: 'interaction'; payload: SlackInteraction }
  | { kind: 'event'; envelope: SlackEventEnvelope };

export interface SlackInteraction {
  type: string;
  team?: { id?: string } | null;
  enterprise?: { id?: string } | null;
  is_enterprise_install?: boolean;
  user: { id: string; team_id?: string };
  trigger_id?: string;
  response_url?: string;
  container?: { channel_id?: string; message_ts?: string; view_id?: string };
  actions?: SlackAction[];
  view?: SlackView;
  action_id?: string;
  block_id?: string;
  value?: string;
}

export interface SlackAction {
  action_id: string;
  block_id?: string;
  value?: string;
  selected_option?: { value: string; text?: { text: string } };
}

export interface SlackView {
  id: string;
  /** Slack refuses a views.update carrying an outdated hash: the view changed meanwhile. */
  hash?: string;
  callback_id?: string;
  private_metadata?: string;
  state?: { values: Record<string, Record<string, SlackInputValue>> };
}

/** One input's state: text and number inputs carry `value`, selects and pickers their own key. */
export interface SlackInputValue {
  value?: string | null;
  selected_option?: { value: string } | null;
  /** datepicker: YYYY-MM-DD */
  selected_date?: string | null;
  /** timepicker: HH:mm */
  selected_time?: string | null;
}

export interface SlackEventEnvelope {
  type: string;
  team_id?: string;
  enterprise_id?: string;
  challenge?: string;
  event_id?: string;
  /** Unix seconds at which the event happened. */
  event_time?: number;
  event?: {
    type: string;
    tokens?: { oauth?: string[]; bot?: string[] };
    /** app_home_opened: who opened which tab. */
    user?: string;
    tab?: string;
  };
  authorizations?: { team_id?: string; enterprise_id?: string }[];
}

export class SlackPayloadError extends Error {}

export function parseSlackBody(rawBody: Buffer, contentType: string): SlackBody {
  const text = rawBody.toString('utf8');
  if (contentType.includes('application/json')) {
    const envelope = parseJson(text) as SlackEventEnvelope;
    if (!envelope || typeof envelope.type !== 'string') throw new SlackPayloadError('event without a type');
    return { kind: 'event', envelope };
  }
  if (!contentType.includes('application/x-www-form-urlencoded')) throw new SlackPayloadError(`unsupported content type ${contentType}`);
  const form = Object.fromEntries(new URLSearchParams(text));
  if (form.payload !== undefined) {
    const payload = parseJson(form.payload) as SlackInteraction;
    if (!payload || typeof payload.type !== 'string' || typeof payload.user?.id !== 'string') {
      throw new SlackPayloadError('interaction payload without type or user');
    }
    return { kind: 'interaction', payload };
  }
  if (typeof form.command !== 'string' || typeof form.team_id !== 'string' || typeof form.user_id !== 'string') {
    throw new SlackPayloadError('command without command, team_id or user_id');
  }
  return { kind: 'command', fields: form };
}

/** The workspace (and Grid org) the body says it comes from. */
export function claimedWorkspace(body: SlackBody): { teamId?: string; enterpriseId?: string } {
  switch (body.kind) {
    case 'command':
      return { teamId: body.fields.team_id, enterpriseId: body.fields.enterprise_id || undefined };
    case 'interaction':
      return {
        teamId: body.payload.team?.id ?? body.payload.user.team_id,
        enterpriseId: body.payload.enterprise?.id ?? undefined,
      };
    case 'event':
      return {
        teamId: body.envelope.team_id ?? body.envelope.authorizations?.[0]?.team_id,
        enterpriseId: body.envelope.enterprise_id ?? body.envelope.authorizations?.[0]?.enterprise_id,
      };
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new SlackPayloadError('malformed JSON');
  }
}
