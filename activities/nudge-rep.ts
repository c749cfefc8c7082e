import { callSlack } from '../clients/slack-client';
import { inTenant } from '../db/tenant-scope';
import type { CardRef } from '../domain/meeting';
import { nudgeText } from '../slack/nudge-message';
import type { ActivityDependencies } from './dependencies';
import { loadRep, loadTenant, slackClientFor } from './tenant-services';

export interface NudgeRepInput {
  tenantId: string;
  repSlackUserId: string;
  card?: CardRef;
  title: string;
}

/** One gentle reminder in the rep's language, in the card's thread so it links straight to the buttons. */
export function nudgeRepActivity(deps: ActivityDependencies) {
  return async function nudgeRep(input: NudgeRepInput): Promise<void> {
    const { tenant, rep } = await inTenant(deps.orm, input.tenantId, async (em) => ({
      tenant: await loadTenant(em, input.tenantId),
      rep: await loadRep(em, input.repSlackUserId),
    }));
    const slack = await slackClientFor(deps, tenant);
    const text = nudgeText(input.repSlackUserId, input.title, rep?.locale ?? null);
    await callSlack(() =>
      input.card
        ? slack.chat.postMessage({ channel: input.card.channel, thread_ts: input.card.ts, text })
        : slack.chat.postMessage({ channel: input.repSlackUserId, text }),
    );
  };
}
