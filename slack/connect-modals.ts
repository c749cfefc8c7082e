import type { InputBlock, KnownBlock, ModalView } from '@slack/types';
import { connectModals } from './action-ids';
import { context, plainText } from './block-kit';

/** Modals where a rep pastes a Fathom API key, or an admin Crono's key pair. */
export function renderFathomKeyModal(): ModalView {
  const { callback, apiKey } = connectModals.fathom;
  return modal(callback, 'Connect Fathom', [
    context(['In Fathom, open *Settings → API Access*, create an API key and paste it here. I only read your own recordings.']),
    textInput(apiKey.block, apiKey.action, 'Fathom API key'),
  ]);
}

export function renderCronoKeysModal(): ModalView {
  const { callback, apiKey, apiSecret } = connectModals.crono;
  return modal(callback, 'Connect Crono', [
    context(['In Crono, open *Settings → Integrations → API* and copy the public and private keys. They are used for the whole workspace.']),
    textInput(apiKey.block, apiKey.action, 'Public API key'),
    textInput(apiSecret.block, apiSecret.action, 'Private API key'),
  ]);
}

function modal(callbackId: string, title: string, blocks: KnownBlock[]): ModalView {
  return { type: 'modal', callback_id: callbackId, title: plainText(title, 24), submit: plainText('Connect', 24), close: plainText('Cancel', 24), blocks };
}

function textInput(blockId: string, actionId: string, label: string): InputBlock {
  return { type: 'input', block_id: blockId, label: plainText(label, 2000), element: { type: 'plain_text_input', action_id: actionId, max_length: 500 } };
}
