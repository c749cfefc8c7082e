import assert from 'node:assert/strict';
import { messageBlocksProblem, viewProblem } from '../../emulators/slack-block-kit-limits';
import type { SlackEmulator } from '../../emulators/slack-emulator';

/**
 * Checks every payload the product sent to the Slack emulator against Block Kit's documented
 * limits (limits-and-reliability.md §3). The emulator already refuses the limits Slack enforces
 * with an error code (blocks per message/view, section and header text); this adds the element
 * limits Slack also enforces (buttons, options, action ids, element counts), so a test fails on
 * any payload real Slack would refuse, even one the emulator accepted.
 */
export const blockKitLimits = {
  messageBlocks: 50,
  viewBlocks: 100,
  messageText: 40_000,
  sectionText: 3000,
  sectionFields: 10,
  fieldText: 2000,
  headerText: 150,
  markdownText: 12_000,
  buttonText: 75,
  buttonValue: 2000,
  url: 3000,
  optionText: 75,
  optionValue: 150,
  options: 100,
  id: 255,
  actionsElements: 25,
  contextElements: 10,
  viewTitle: 24,
  privateMetadata: 3000,
  label: 2000,
  placeholder: 150,
  inputValue: 3000,
} as const;

type Json = Record<string, unknown>;

const messageMethods = ['chat.postMessage', 'chat.update', 'chat.postEphemeral'];
const viewMethods = ['views.open', 'views.update', 'views.push', 'views.publish'];

/** Every Block Kit limit this payload breaks, each with a JSON path. */
export function blockKitViolations(kind: 'message' | 'view', payload: unknown): string[] {
  const problems: string[] = [];
  const check = (ok: boolean, message: string) => {
    if (!ok) problems.push(message);
  };
  const record = isRecord(payload) ? payload : {};
  if (kind === 'message') {
    const emulatorProblem = record.blocks === undefined ? undefined : messageBlocksProblem(record.blocks);
    if (emulatorProblem) problems.push(emulatorProblem.message);
    check(textLength(record.text) <= blockKitLimits.messageText, `/text longer than ${blockKitLimits.messageText}`);
    checkBlocks(asArray(record.blocks), blockKitLimits.messageBlocks, '/blocks', check);
  } else {
    const emulatorProblem = viewProblem(payload);
    if (emulatorProblem) problems.push(emulatorProblem.message);
    for (const field of ['title', 'submit', 'close']) check(plainLength(record[field]) <= blockKitLimits.viewTitle, `/${field} longer than ${blockKitLimits.viewTitle}`);
    check(textLength(record.private_metadata) <= blockKitLimits.privateMetadata, `/private_metadata longer than ${blockKitLimits.privateMetadata}`);
    check(textLength(record.callback_id) <= blockKitLimits.id, '/callback_id longer than 255');
    check(textLength(record.external_id) <= blockKitLimits.id, '/external_id longer than 255');
    checkBlocks(asArray(record.blocks), blockKitLimits.viewBlocks, '/blocks', check);
  }
  return [...new Set(problems)];
}

/**
 * Asserts that every message, modal and Home tab sent to the emulator so far, and every
 * response_url post, is within the limits. Returns how many payloads were checked.
 */
export function assertSlackPayloadsWithinLimits(slack: SlackEmulator): number {
  const problems: string[] = [];
  let checked = 0;
  for (const method of messageMethods) {
    slack.calls(method).forEach((args, index) => {
      checked += 1;
      problems.push(...blockKitViolations('message', args).map((problem) => `${method} #${index}: ${problem}`));
    });
  }
  for (const method of viewMethods) {
    slack.calls(method).forEach((args, index) => {
      checked += 1;
      problems.push(...blockKitViolations('view', args.view).map((problem) => `${method} #${index}: ${problem}`));
    });
  }
  slack.responseUrlPosts().forEach((post, index) => {
    checked += 1;
    problems.push(...blockKitViolations('message', post.body).map((problem) => `response_url #${index}: ${problem}`));
  });
  assert.deepEqual(problems, [], `Slack payloads over Block Kit limits:\n${problems.join('\n')}`);
  return checked;
}

function checkBlocks(blocks: unknown[], maxBlocks: number, path: string, check: (ok: boolean, message: string) => void): void {
  check(blocks.length <= maxBlocks, `${path} has ${blocks.length} blocks (max ${maxBlocks})`);
  blocks.forEach((value, index) => {
    const block = isRecord(value) ? value : {};
    const at = `${path}/${index}`;
    check(textLength(block.block_id) <= blockKitLimits.id, `${at}/block_id longer than 255`);
    switch (block.type) {
      case 'section': {
        check(plainLength(block.text) <= blockKitLimits.sectionText, `${at}/text longer than ${blockKitLimits.sectionText}`);
        const fields = asArray(block.fields);
        check(fields.length <= blockKitLimits.sectionFields, `${at}/fields has ${fields.length} items (max 10)`);
        fields.forEach((field, fieldIndex) => check(plainLength(field) <= blockKitLimits.fieldText, `${at}/fields/${fieldIndex} longer than 2000`));
        if (block.accessory !== undefined) checkElement(block.accessory, `${at}/accessory`, check);
        break;
      }
      case 'header':
        check(plainLength(block.text) <= blockKitLimits.headerText, `${at}/text longer than ${blockKitLimits.headerText}`);
        break;
      case 'markdown':
        check(textLength(block.text) <= blockKitLimits.markdownText, `${at}/text longer than ${blockKitLimits.markdownText}`);
        break;
      case 'actions': {
        const elements = asArray(block.elements);
        check(elements.length <= blockKitLimits.actionsElements, `${at}/elements has ${elements.length} items (max 25)`);
        elements.forEach((element, elementIndex) => checkElement(element, `${at}/elements/${elementIndex}`, check));
        break;
      }
      case 'context': {
        const elements = asArray(block.elements);
        check(elements.length <= blockKitLimits.contextElements, `${at}/elements has ${elements.length} items (max 10)`);
        elements.forEach((element, elementIndex) => check(plainLength(element) <= blockKitLimits.sectionText, `${at}/elements/${elementIndex} longer than 3000`));
        break;
      }
      case 'input':
        check(plainLength(block.label) <= blockKitLimits.label, `${at}/label longer than 2000`);
        check(plainLength(block.hint) <= blockKitLimits.label, `${at}/hint longer than 2000`);
        checkElement(block.element, `${at}/element`, check);
        break;
      default:
        break;
    }
  });
}

function checkElement(value: unknown, at: string, check: (ok: boolean, message: string) => void): void {
  const element = isRecord(value) ? value : {};
  check(textLength(element.action_id) <= blockKitLimits.id, `${at}/action_id longer than 255`);
  check(plainLength(element.placeholder) <= blockKitLimits.placeholder, `${at}/placeholder longer than 150`);
  if (element.type === 'button') {
    check(plainLength(element.text) <= blockKitLimits.buttonText, `${at}/text longer than ${blockKitLimits.buttonText}`);
    check(textLength(element.value) <= blockKitLimits.buttonValue, `${at}/value longer than ${blockKitLimits.buttonValue}`);
    check(textLength(element.url) <= blockKitLimits.url, `${at}/url longer than ${blockKitLimits.url}`);
  }
  if (element.type === 'plain_text_input') {
    check(textLength(element.initial_value) <= blockKitLimits.inputValue, `${at}/initial_value longer than ${blockKitLimits.inputValue}`);
  }
  const options = asArray(element.options);
  check(options.length <= blockKitLimits.options, `${at}/options has ${options.length} items (max ${blockKitLimits.options})`);
  const groups = asArray(element.option_groups);
  const allOptions = [...options, ...groups.flatMap((group) => asArray(isRecord(group) ? group.options : undefined))];
  if (element.initial_option !== undefined) allOptions.push(element.initial_option);
  allOptions.forEach((option, index) => {
    const entry = isRecord(option) ? option : {};
    check(plainLength(entry.text) <= blockKitLimits.optionText, `${at}/options/${index}/text longer than ${blockKitLimits.optionText}`);
    check(textLength(entry.value) <= blockKitLimits.optionValue, `${at}/options/${index}/value longer than ${blockKitLimits.optionValue}`);
  });
}

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function textLength(value: unknown): number {
  return typeof value === 'string' ? value.length : 0;
}

/** Length of a text object's `text` (plain_text or mrkdwn). */
function plainLength(value: unknown): number {
  return isRecord(value) ? textLength(value.text) : 0;
}
