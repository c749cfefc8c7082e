import type {
  ActionsBlock,
  ActionsBlockElement,
  Button,
  ContextBlock,
  DividerBlock,
  HeaderBlock,
  KnownBlock,
  MrkdwnElement,
  PlainTextElement,
  PlainTextOption,
  SectionBlock,
  SectionBlockAccessory,
} from '@slack/types';
/**
 * Block Kit building blocks that respect Slack's limits whatever the input size, so a 2-hour
 * transcript can never produce a message Slack rejects.
 */
export const blockKitLimits = {
  messageBlocks: 50,
  viewBlocks: 100,
  sectionText: 3000,
  headerText: 150,
  fieldText: 2000,
  fields: 10,
  buttonText: 75,
  buttonValue: 2000,
  actionId: 255,
  actionsElements: 25,
  contextElements: 10,
  optionText: 75,
  optionValue: 150,
  options: 100,
  inputInitialValue: 3000,
  fallbackText: 3000,
  privateMetadata: 3000,
} as const;

export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  // Never half an emoji: a cut between a surrogate pair leaves text Slack shows as garbage.
  const cut = text.slice(0, max - 1).replace(/[\uD800-\uDBFF]$/, '');
  const lastSpace = cut.lastIndexOf(' ');
  return `${lastSpace > max * 0.6 ? cut.slice(0, lastSpace) : cut}…`;
}

/** Escapes the three characters Slack's mrkdwn treats as control characters. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * A mrkdwn link to a URL from outside (a CRM's record link), labelled with already escaped
 * text. Only an http(s) URL is linked, normalised so `<` and `>` are percent-encoded; one with a
 * `|` (which would end the target early) is not linked: the label alone is shown.
 */
export function mrkdwnLink(url: string | undefined, escapedLabel: string): string {
  const target = url ? linkTarget(url) : null;
  return target ? `<${target}|${escapedLabel}>` : escapedLabel;
}

function linkTarget(url: string): string | null {
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return null;
    return /[\s<>|]/.test(parsed.href) ? null : parsed.href;
  } catch {
    return null;
  }
}

export function plainText(text: string, max: number = blockKitLimits.sectionText): PlainTextElement {
  return { type: 'plain_text', text: truncate(text || ' ', max), emoji: true };
}

export function mrkdwn(text: string, max: number = blockKitLimits.sectionText): MrkdwnElement {
  return { type: 'mrkdwn', text: truncate(text || ' ', max) };
}

export function header(text: string): HeaderBlock {
  return { type: 'header', text: plainText(text, blockKitLimits.headerText) };
}

export function section(text: string, accessory?: SectionBlockAccessory): SectionBlock {
  return { type: 'section', text: mrkdwn(text), ...(accessory ? { accessory } : {}) };
}

export function fieldsSection(fields: string[]): SectionBlock {
  return { type: 'section', fields: fields.slice(0, blockKitLimits.fields).map((field) => mrkdwn(field, blockKitLimits.fieldText)) };
}

export function context(texts: string[]): ContextBlock {
  return { type: 'context', elements: texts.slice(0, blockKitLimits.contextElements).map((text) => mrkdwn(text)) };
}

export function divider(): DividerBlock {
  return { type: 'divider' };
}

export function button(options: { text: string; actionId: string; value: string; style?: 'primary' | 'danger'; url?: string }): Button {
  return {
    type: 'button',
    text: plainText(options.text, blockKitLimits.buttonText),
    action_id: options.actionId.slice(0, blockKitLimits.actionId),
    value: options.value.slice(0, blockKitLimits.buttonValue),
    ...(options.style ? { style: options.style } : {}),
    ...(options.url ? { url: options.url } : {}),
  };
}

export function actions(blockId: string, elements: ActionsBlockElement[]): ActionsBlock {
  return { type: 'actions', block_id: blockId, elements: elements.slice(0, blockKitLimits.actionsElements) };
}

export function option(text: string, value: string): PlainTextOption {
  return { text: plainText(text, blockKitLimits.optionText), value: value.slice(0, blockKitLimits.optionValue) };
}

/** Keeps the first blocks up to Slack's cap, replacing the overflow with a note. */
export function capBlocks(blocks: KnownBlock[], max: number = blockKitLimits.messageBlocks): KnownBlock[] {
  if (blocks.length <= max) return blocks;
  return [...blocks.slice(0, max - 1), context(['Some details were left out to fit in Slack.'])];
}
