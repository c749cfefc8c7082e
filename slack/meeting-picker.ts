import type { InputBlock, KnownBlock, ModalView } from '@slack/types';
import type { MeetingListItem } from '../domain/meeting';
import { meetingPicker } from './action-ids';
import { actions, blockKitLimits, button, option, plainText, section, truncate } from './block-kit';

/**
 * The modal of `/followup` without a link. It opens at once with a loading note (the trigger id
 * lives 3 seconds) and is then replaced by the rep's recent meetings, or by what is in the way.
 */
const title = plainText('Meeting follow-up', 24);

export function loadingPickerView(): ModalView {
  return { type: 'modal', callback_id: meetingPicker.callback, title, close: plainText('Cancel', 24), blocks: [section('⏳ Loading your recent meetings…')] };
}

export function pickerNoticeView(text: string): ModalView {
  return { type: 'modal', callback_id: meetingPicker.callback, title, close: plainText('Close', 24), blocks: [section(text)] };
}

/** What one picker view lists: the last days' meetings, or the ones created before a moment. */
export type PickerPage = { kind: 'recent'; lookBackDays: number } | { kind: 'older'; before: string };

/**
 * The rep's meetings of `page`, newest first, with "Older meetings" to page further back from
 * `olderFrom` (the creation time of the oldest one listed); without `olderFrom` there is nothing older.
 */
export function meetingPickerView(meetings: MeetingListItem[], options: { page: PickerPage; timeZone: string; olderFrom?: string }): ModalView {
  const shown = meetings.slice(0, blockKitLimits.options);
  const olderButton: KnownBlock[] = options.olderFrom
    ? [actions(meetingPicker.older, [button({ text: 'Older meetings', actionId: meetingPicker.older, value: options.olderFrom })])]
    : [];
  const pasteALink = 'To prepare any meeting, you can also paste its link: `/followup <link>`.';
  if (shown.length === 0) {
    const none =
      options.page.kind === 'recent'
        ? `You have no Fathom meetings from the last ${options.page.lookBackDays} days.`
        : `You have no Fathom meetings before ${formatInZone(new Date(options.page.before), options.timeZone)}.`;
    return { type: 'modal', callback_id: meetingPicker.callback, title, close: plainText('Close', 24), blocks: [section(`${none} ${pasteALink}`), ...olderButton] };
  }
  const newest = shown.length === blockKitLimits.options ? `newest ${shown.length} ` : '';
  const intro =
    options.page.kind === 'recent'
      ? `Your ${newest}Fathom meetings of the last ${options.page.lookBackDays} days.`
      : `Your ${newest}Fathom meetings before ${formatInZone(new Date(options.page.before), options.timeZone)}.`;
  const picker: InputBlock = {
    type: 'input',
    block_id: meetingPicker.block,
    label: plainText('Meeting', 2000),
    element: {
      type: 'static_select',
      action_id: meetingPicker.action,
      placeholder: plainText('Choose a meeting', 150),
      options: shown.map((meeting) => option(optionText(meeting, options.timeZone), meeting.recordingId)),
    },
  };
  return {
    type: 'modal',
    callback_id: meetingPicker.callback,
    title,
    submit: plainText('Prepare follow-up', 24),
    close: plainText('Cancel', 24),
    blocks: [section(`${intro} Pick one and its follow-up card will appear in your DMs with me.`), picker, ...olderButton],
  };
}

/** "Tue 3 Dec, 14:05 · Title (45 min)", in the rep's zone; the title gives way so the rest fits in 75 characters. */
export function optionText(meeting: MeetingListItem, timeZone: string): string {
  const when = `${formatInZone(new Date(meeting.startedAt), timeZone)} · `;
  const duration = meeting.durationMinutes > 0 ? ` (${meeting.durationMinutes} min)` : '';
  const room = blockKitLimits.optionText - when.length - duration.length;
  return `${when}${truncate(meeting.title || 'Untitled meeting', Math.max(room, 10))}${duration}`;
}

/** Per zone, built once: the picker formats up to a hundred options per list, and building a formatter costs ~100× using one. */
const optionTimeFormats = new Map<string, Intl.DateTimeFormat>();

function formatInZone(date: Date, timeZone: string): string {
  const format = (zone: string) => {
    let formatter = optionTimeFormats.get(zone);
    if (!formatter) {
      // Throws RangeError for an unknown zone (caught below); only a zone that worked is kept.
      formatter = new Intl.DateTimeFormat('en-GB', { timeZone: zone, weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
      optionTimeFormats.set(zone, formatter);
    }
    return formatter.format(date);
  };
  try {
    return format(timeZone);
  } catch {
    // An unknown zone from a stale profile: UTC, said so, rather than no list at all.
    return `${format('UTC')} UTC`;
  }
}
