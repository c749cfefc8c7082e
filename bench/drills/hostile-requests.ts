/**
 * Drill 5: N hostile requests to the Slack routes (default 10,000): bad and missing signatures,
 * stale and future timestamps, exact replays, replays with a fresh timestamp or an edited body, malformed and
 * absurdly nested payloads (correctly signed), oversized bodies, unknown and mismatched teams.
 * Zero may be accepted (2xx), zero may get a 5xx, and the API must stay up and still take a
 * genuine request afterwards.
 */
import { randomBytes } from 'node:crypto';
import { blockActionsBody, signSlackRequest, slashCommandBody } from '../../emulators/slack-request-signer';
import { cardActions } from '../../slack/action-ids';
import { startDrillStack, type DrillStack } from '../lib/drill-stack';
import { getStatus, postRaw } from '../lib/http';
import { numberFromEnv, printTable, type Row } from '../lib/stats';
import { signedClick } from '../lib/slack-traffic';
import type { DrillResult } from './kill-worker';

interface HostileRequest {
  path: string;
  headers: Record<string, string>;
  body: string;
  /** The genuine first delivery of a request the drill replays: not itself an attack. */
  genuineFirstCopy?: boolean;
}

type Attack = (stack: DrillStack) => HostileRequest;

function genuineInteraction(stack: DrillStack, overrides: { teamId?: string; userTeamId?: string } = {}): string {
  const teamId = overrides.teamId ?? stack.workspace.teamId;
  return blockActionsBody({
    type: 'block_actions',
    team: { id: teamId },
    user: { id: stack.workspace.rep.slackUserId, team_id: overrides.userTeamId ?? teamId },
    actions: [{ action_id: cardActions.logNote, value: '7000001' }],
  });
}

/**
 * Signs `body` made unique (trailing spaces for JSON, a nonce field for forms): the API refuses a
 * signature it has seen before (409), and each attack must reach the check it is aimed at.
 */
function signed(stack: DrillStack, path: string, body: string, options: { secret?: string; timestamp?: number; contentType?: string } = {}): HostileRequest {
  const nonce = randomBytes(6).toString('hex');
  const isJson = options.contentType === 'application/json' || body.trimStart().startsWith('{') || body.startsWith('[');
  // JSON takes the nonce as whitespace: one line of 1-16 spaces per hex digit.
  const whitespace = [...nonce].map((digit) => `${' '.repeat(1 + parseInt(digit, 16))}\n`).join('');
  const unique = isJson ? `${body}${whitespace}` : `${body}&nonce=${nonce}`;
  const { headers } = signSlackRequest({ signingSecret: options.secret ?? stack.signingSecret, body: unique, timestamp: options.timestamp, contentType: options.contentType });
  return { path, headers: { ...headers }, body: unique };
}

const nowSeconds = (): number => Math.floor(Date.now() / 1000);
/** Genuine requests already answered once; the 'exact replay' attack sends each a second time. */
const genuineRow = 'exact replay: genuine first copy (not counted)';
const replayed: HostileRequest[] = [];
const maxBodyBytes = 256 * 1024;

const attacks: Record<string, Attack> = {
  'bad signature': (stack) => {
    const request = signed(stack, '/slack/interactions', genuineInteraction(stack));
    return { ...request, headers: { ...request.headers, 'x-slack-signature': `v0=${randomBytes(32).toString('hex')}` } };
  },
  'wrong signing secret': (stack) => signed(stack, '/slack/commands', slashCommandBody({ command: '/followup', text: '7000001', team_id: stack.workspace.teamId, user_id: 'U1' }), { secret: randomBytes(16).toString('hex') }),
  'missing signature': (stack) => {
    const { 'x-slack-signature': _signature, ...headers } = signed(stack, '/slack/interactions', genuineInteraction(stack)).headers;
    return { path: '/slack/interactions', headers, body: genuineInteraction(stack) };
  },
  'stale timestamp': (stack) => signed(stack, '/slack/interactions', genuineInteraction(stack), { timestamp: nowSeconds() - 301 - Math.floor(Math.random() * 86_400) }),
  'future timestamp': (stack) => signed(stack, '/slack/commands', slashCommandBody({ command: '/followup', text: 'help', team_id: stack.workspace.teamId }), { timestamp: nowSeconds() + 330 }),
  'replay, fresh timestamp': (stack) => {
    const captured = signed(stack, '/slack/interactions', genuineInteraction(stack), { timestamp: nowSeconds() - 600 });
    return { ...captured, headers: { ...captured.headers, 'x-slack-request-timestamp': String(nowSeconds()) } };
  },
  'exact replay': (stack) => {
    // A genuine click (answered 200, counted apart); once answered, the same bytes go again.
    const earlier = replayed.pop();
    if (earlier) return earlier;
    return { ...signed(stack, '/slack/interactions', genuineInteraction(stack)), genuineFirstCopy: true };
  },
  'replay, edited body': (stack) => {
    const captured = signed(stack, '/slack/interactions', genuineInteraction(stack));
    return { ...captured, body: captured.body.replace('7000001', '7000002') };
  },
  'malformed JSON payload': (stack) => signed(stack, '/slack/interactions', 'payload=%7Bnot-json'),
  'payload field missing': (stack) => signed(stack, '/slack/interactions', `team_id=${stack.workspace.teamId}&x=1`),
  'payload of wrong shape': (stack) => signed(stack, '/slack/interactions', new URLSearchParams({ payload: JSON.stringify({ type: 42, user: 'x', actions: 'none' }) }).toString()),
  'deeply nested JSON': (stack) => {
    const depth = 100_000;
    return signed(stack, '/slack/events', `${'['.repeat(depth)}${']'.repeat(depth)}`, { contentType: 'application/json' });
  },
  'malformed event JSON': (stack) => signed(stack, '/slack/events', '{"type":"event_callback","team_id":', { contentType: 'application/json' }),
  'bad form encoding': (stack) => signed(stack, '/slack/commands', 'command=%E0%A4%A&text=%%%', { contentType: 'application/x-www-form-urlencoded' }),
  'oversized body': (stack) => signed(stack, '/slack/interactions', `payload=${'x'.repeat(maxBodyBytes + 1024 + Math.floor(Math.random() * maxBodyBytes))}`),
  'unknown team': (stack) => signed(stack, '/slack/interactions', genuineInteraction(stack, { teamId: `T${randomBytes(5).toString('hex').toUpperCase()}` })),
  'unknown team (command)': (stack) => signed(stack, '/slack/commands', slashCommandBody({ command: '/followup', text: '7000001', team_id: 'TNOTINSTALLED', user_id: 'U1', channel_id: 'C1' })),
  'mismatched teams': (stack) => signed(stack, '/slack/interactions', genuineInteraction(stack, { userTeamId: 'TOTHERTEAM' })),
};

export async function hostileRequestsDrill(): Promise<DrillResult> {
  const total = Math.round(numberFromEnv('DRILL_HOSTILE_REQUESTS', 10_000));
  const concurrency = Math.round(numberFromEnv('DRILL_HOSTILE_CONCURRENCY', 32));
  const logLevelBefore = process.env.LOG_LEVEL;
  process.env.LOG_LEVEL ??= 'error'; // 10,000 "Refused Slack request" warnings would bury the table
  const stack = await startDrillStack();
  if (logLevelBefore === undefined) delete process.env.LOG_LEVEL;
  const started = Date.now();
  try {
    const names = Object.keys(attacks);
    const perAttack = new Map<string, { sent: number; statuses: Map<string, number> }>([...names, genuineRow].map((name) => [name, { sent: 0, statuses: new Map() }]));
    let next = 0;
    const workerLoop = async (): Promise<void> => {
      while (next < total) {
        const attack = names[next++ % names.length]!;
        const request = attacks[attack]!(stack);
        const name = request.genuineFirstCopy ? genuineRow : attack;
        const answer = await postRaw(`${stack.apiUrl}${request.path}`, request.headers, request.body);
        const key = answer.status ? String(answer.status) : `no answer (${answer.error ?? '?'})`;
        if (request.genuineFirstCopy) replayed.push({ ...request, genuineFirstCopy: false });
        const entry = perAttack.get(name)!;
        entry.sent += 1;
        entry.statuses.set(key, (entry.statuses.get(key) ?? 0) + 1);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, workerLoop));

    const rows: Row[] = [...perAttack.keys()].map((name) => {
      const { sent, statuses } = perAttack.get(name)!;
      return { attack: name, sent, answers: [...statuses.entries()].map(([status, count]) => `${status}×${count}`).join(' ') };
    });
    printTable(`Hostile Slack requests: ${total} at concurrency ${concurrency}`, rows);
    const all = [...perAttack.entries()].filter(([name]) => name !== genuineRow).flatMap(([, { statuses }]) => [...statuses.entries()]);
    const count = (predicate: (status: string) => boolean): number => all.filter(([status]) => predicate(status)).reduce((sum, [, n]) => sum + n, 0);
    const accepted = count((status) => /^[23]\d\d$/.test(status));
    const serverErrors = count((status) => /^5\d\d$/.test(status));
    const noAnswer = count((status) => status.startsWith('no answer'));

    const apiAlive = !stack.apiProcess().exitStatus;
    const healthz = await getStatus(`${stack.apiUrl}/healthz`);
    const genuine = signedClick(stack.signingSecret, stack.emulators.slack, { tenantId: stack.workspace.tenant.id, teamId: stack.workspace.teamId, userId: stack.workspace.rep.slackUserId, channelId: 'C0DRILL', recordingId: '7000001' }, 'drill-genuine');
    const genuineStatus = (await postRaw(`${stack.apiUrl}${genuine.path}`, genuine.headers, genuine.body)).status;
    const failures: string[] = [];
    if (accepted) failures.push(`${accepted} hostile requests were accepted`);
    if (serverErrors) failures.push(`${serverErrors} hostile requests got a 5xx`);
    if (noAnswer) failures.push(`${noAnswer} hostile requests got no answer`);
    if (!apiAlive) failures.push('the API process died');
    if (healthz !== 200) failures.push(`/healthz answered ${healthz} afterwards`);
    if (genuineStatus !== 200) failures.push(`a genuine click afterwards got ${genuineStatus}`);
    return {
      passed: failures.length === 0,
      failures,
      summary: { drill: 'hostile Slack requests', seconds: Math.round((Date.now() - started) / 1000), requests: total, accepted, serverErrors, noAnswer, apiAlive, healthz, genuineStatus },
    };
  } finally {
    await stack.shutdown();
  }
}
