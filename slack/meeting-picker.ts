import type { InputBlock, ModalView } from '@slack/types';
import type { MeetingListItem } from '../domain/meeting';
import { meetingPicker } from './action-ids';
import { blockKitLimits, option, plainText, section, truncate } from './block-kit';

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

export function meetingPickerView(meetings: MeetingListItem[], options: { lookBackDays: number; timeZone: string }): ModalView {
  const shown = meetings.slice(0, blockKitLimits.options);
  const intro =
    shown.length === blockKitLimits.options
      ? `Your newest ${shown.length} Fathom meetings of the last ${options.lookBackDays} days.`
      : `Your Fathom meetings of the last ${options.lookBackDays} days.`;
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
    blocks: [section(`${intro} Pick one and its follow-up card will appear in your DMs with me.`), picker],
  };
}

/** "Tue 3 Dec, 14:05 · Title (45 min)", in the rep's zone; the title gives way so the rest fits in 75 characters. */
export function optionText(meeting: MeetingListItem, timeZone: string): string {
  const when = `${formatInZone(new Date(meeting.startedAt), timeZone)} · `;
  const duration = meeting.durationMinutes > 0 ? ` (${meeting.durationMinutes} min)` : '';
  const room = blockKitLimits.optionText - when.length - duration.length;
  return `${when}${truncate(meeting.title || 'Untitled meeting', Math.max(room, 10))}${duration}`;
}

function formatInZone(date: Date, timeZone: string): string {
  const format = (zone: string) =>
    new Intl.DateTimeFormat('en-GB', { timeZone: zone, weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(date);
  try {
    return format(timeZone);
  } catch {
    // An unknown zone from a stale profile: UTC, said so, rather than no list at all.
    return `${format('UTC')} UTC`;
  }
}
