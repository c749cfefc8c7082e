import { isRecord } from './json-values';

/**
 * The Block Kit limits Slack enforces server-side, so a message or modal that real Slack would
 * reject (too many blocks, an AI summary longer than a section allows, a long modal title) also
 * fails against the emulator instead of first failing in production.
 */
export interface BlockKitProblem {
  /** Slack's `error` code for the call. */
  error: string;
  /** Slack's `response_metadata.messages` entry, with a JSON pointer to the offending field. */
  message: string;
}

const MAX_MESSAGE_BLOCKS = 50;
const MAX_VIEW_BLOCKS = 100;
const MAX_SECTION_TEXT = 3000;
const MAX_HEADER_TEXT = 150;
const MAX_BLOCK_ID = 255;
const MAX_VIEW_TITLE = 24;
const MAX_PRIVATE_METADATA = 3000;
const MAX_CALLBACK_ID = 255;

export function messageBlocksProblem(blocks: unknown): BlockKitProblem | undefined {
  return blocksProblem(blocks, MAX_MESSAGE_BLOCKS, '/blocks', 'invalid_blocks');
}

export function viewProblem(view: unknown): BlockKitProblem | undefined {
  // Views report every schema problem as invalid_arguments, unlike messages.
  const invalid = (message: string): BlockKitProblem => ({ error: 'invalid_arguments', message });
  if (!isRecord(view)) return invalid('[ERROR] missing required field: view');
  if (view.type !== 'modal' && view.type !== 'home') {
    return invalid('[ERROR] must be one of [modal, home] [json-pointer:/view/type]');
  }
  if (view.type === 'modal') {
    for (const field of ['title', 'submit', 'close'] as const) {
      const text = plainText(view[field]);
      if (field === 'title' && text === undefined) return invalid('[ERROR] missing required field: title [json-pointer:/view]');
      if (text !== undefined && text.length > MAX_VIEW_TITLE) {
        return invalid(`[ERROR] must be less than ${MAX_VIEW_TITLE + 1} characters [json-pointer:/view/${field}/text]`);
      }
    }
  }
  if (typeof view.private_metadata === 'string' && view.private_metadata.length > MAX_PRIVATE_METADATA) {
    return invalid(`[ERROR] must be less than ${MAX_PRIVATE_METADATA + 1} characters [json-pointer:/view/private_metadata]`);
  }
  if (typeof view.callback_id === 'string' && view.callback_id.length > MAX_CALLBACK_ID) {
    return invalid(`[ERROR] must be less than ${MAX_CALLBACK_ID + 1} characters [json-pointer:/view/callback_id]`);
  }
  return blocksProblem(view.blocks ?? [], MAX_VIEW_BLOCKS, '/view/blocks', 'invalid_arguments');
}

function blocksProblem(blocks: unknown, maxBlocks: number, pointer: string, error: string): BlockKitProblem | undefined {
  if (!Array.isArray(blocks)) return { error, message: `[ERROR] expected an array of blocks [json-pointer:${pointer}]` };
  if (blocks.length > maxBlocks) return { error, message: `[ERROR] no more than ${maxBlocks} items allowed [json-pointer:${pointer}]` };
  for (const [index, block] of blocks.entries()) {
    const at = `${pointer}/${index}`;
    if (!isRecord(block) || typeof block.type !== 'string') {
      return { error, message: `[ERROR] missing required field: type [json-pointer:${at}]` };
    }
    if (typeof block.block_id === 'string' && block.block_id.length > MAX_BLOCK_ID) {
      return { error, message: `[ERROR] must be less than ${MAX_BLOCK_ID + 1} characters [json-pointer:${at}/block_id]` };
    }
    const textLimit = block.type === 'section' ? MAX_SECTION_TEXT : block.type === 'header' ? MAX_HEADER_TEXT : undefined;
    const text = isRecord(block.text) ? block.text.text : undefined;
    if (textLimit !== undefined && typeof text === 'string' && text.length > textLimit) {
      return { error, message: `[ERROR] must be less than ${textLimit + 1} characters [json-pointer:${at}/text/text]` };
    }
  }
  return undefined;
}

function plainText(value: unknown): string | undefined {
  return isRecord(value) && typeof value.text === 'string' ? value.text : undefined;
}
