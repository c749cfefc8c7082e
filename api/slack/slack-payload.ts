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
    if (!isRecord(payload) || typeof payload.type !== 'string' || !isRecord(payload.user) || typeof payload.user.id !== 'string') {
      throw new SlackPayloadError('interaction payload without type or user');
    }
    const misshapen = misshapenInteractionField(payload);
    if (misshapen) throw new SlackPayloadError(`interaction field ${misshapen} is not what Slack sends`);
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

/**
 * The first field (if any) whose type differs from what SlackInteraction declares: the handlers
 * trust those types, so a signed but misshapen payload is refused here with a 400 instead of
 * failing somewhere downstream.
 */
function misshapenInteractionField(payload: SlackInteraction): string | undefined {
  const record = payload as unknown as Record<string, unknown>;
  const optional = (value: unknown, check: (present: unknown) => boolean) => value === undefined || value === null || check(value);
  const text = (value: unknown) => optional(value, (present) => typeof present === 'string');
  const object = (value: unknown) => optional(value, isRecord);
  const fields: [string, boolean][] = [
    ['team', object(record.team) && (!isRecord(record.team) || text(record.team.id))],
    ['enterprise', object(record.enterprise) && (!isRecord(record.enterprise) || text(record.enterprise.id))],
    ['user.team_id', text(payload.user.team_id)],
    ['trigger_id', text(record.trigger_id)],
    ['response_url', text(record.response_url)],
    ['container', object(record.container) && (!isRecord(record.container) || ['channel_id', 'message_ts', 'view_id'].every((key) => text((record.container as Record<string, unknown>)[key])))],
    ['actions', optional(record.actions, (actions) => Array.isArray(actions) && actions.every(isWellShapedAction))],
    ['view', optional(record.view, isWellShapedView)],
    ['action_id', text(record.action_id)],
    ['block_id', text(record.block_id)],
    ['value', text(record.value)],
  ];
  return fields.find(([, ok]) => !ok)?.[0];
}

function isWellShapedAction(action: unknown): boolean {
  if (!isRecord(action) || typeof action.action_id !== 'string') return false;
  const text = (value: unknown) => value === undefined || value === null || typeof value === 'string';
  const option = action.selected_option;
  const optionOk = option === undefined || option === null || (isRecord(option) && typeof option.value === 'string' && (option.text === undefined || (isRecord(option.text) && typeof option.text.text === 'string')));
  return text(action.block_id) && text(action.value) && optionOk;
}

function isWellShapedView(view: unknown): boolean {
  if (!isRecord(view)) return false;
  const text = (value: unknown) => value === undefined || value === null || typeof value === 'string';
  const state = view.state;
  const stateOk =
    state === undefined || state === null || (isRecord(state) && isRecord(state.values) && Object.values(state.values).every((block) => isRecord(block) && Object.values(block).every(isWellShapedInput)));
  return text(view.id) && text(view.hash) && text(view.callback_id) && text(view.private_metadata) && stateOk;
}

function isWellShapedInput(input: unknown): boolean {
  if (!isRecord(input)) return false;
  const text = (value: unknown) => value === undefined || value === null || typeof value === 'string';
  const option = input.selected_option;
  return text(input.value) && text(input.selected_date) && text(input.selected_time) && (option === undefined || option === null || (isRecord(option) && typeof option.value === 'string'));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new SlackPayloadError('malformed JSON');
  }
}
