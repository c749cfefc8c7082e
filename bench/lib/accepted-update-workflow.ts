/**
 * The shape of an accepted card click, without the product: an update whose validator refuses a
 * second one, and whose handler upserts a search attribute and schedules two activities (the
 * meeting's action and the card publication markChanged triggers). Bundled on its own by
 * bench/accepted-update.ts; imports only the workflow API, like the app's workflows.
 */
import { condition, defineSignal, defineUpdate, proxyActivities, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export interface AcceptedUpdateActivities {
  act(): Promise<void>;
}

export const actUpdate = defineUpdate<void>('act');
export const finishSignal = defineSignal('finish');
const statusAttribute = defineSearchAttributeKey('MeetingStatus', SearchAttributeType.KEYWORD);

const { act } = proxyActivities<AcceptedUpdateActivities>({ startToCloseTimeout: '30 seconds' });

export async function acceptedUpdate(): Promise<void> {
  let acted = false;
  let finished = false;
  setHandler(
    actUpdate,
    async () => {
      acted = true;
      upsertSearchAttributes([{ key: statusAttribute, value: 'acting' }]);
      await Promise.all([act(), act()]);
    },
    {
      validator: () => {
        if (acted) throw new Error('That is already done.');
      },
    },
  );
  setHandler(finishSignal, () => {
    finished = true;
  });
  await condition(() => finished);
}
