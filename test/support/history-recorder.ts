import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { WorkflowHandle } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import { payloadCodecFor } from '../../runtime/data-converter';
import { encryptedEncoding } from '../../runtime/payload-codec';
import { testStack } from './test-stack';

export const historiesDir = path.resolve(__dirname, '..', 'histories');

/**
 * With RECORD_HISTORIES=1, saves the workflow's event history (as `temporal workflow show
 * --output json` prints it, the same JSON the Web UI downloads) as a replay fixture under
 * test/histories/. Commit the files: the replay test runs every workflow change against them.
 */
export async function recordHistory(name: string, handle: WorkflowHandle): Promise<void> {
  if (process.env.RECORD_HISTORIES !== '1') return;
  const stack = testStack();
  const { stdout } = await promisify(execFile)(
    stack.temporalCliPath,
    ['workflow', 'show', '--address', stack.temporalAddress, '--namespace', 'default', '--workflow-id', handle.workflowId, '--output', 'json'],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  await saveHistoryFixture(name, JSON.parse(stdout), payloadCodecFor(stack.payloadCodecKeys));
}

/** Saves a history in Temporal's JSON form (the CLI's, or historyToJSON's) under test/histories/, its payloads decrypted with `codec`. */
export async function saveHistoryFixture(name: string, history: unknown, codec: PayloadCodec): Promise<void> {
  await writeFile(path.join(historiesDir, `${name}.json`), `${JSON.stringify(await decryptedHistory(history, codec), null, 2)}\n`);
}

interface JsonPayload {
  metadata: Record<string, string>;
  data?: string;
}

const encryptedEncodingBase64 = Buffer.from(encryptedEncoding).toString('base64');

/**
 * Fixtures are stored decrypted: each test run has its own payload keys, and replay needs only
 * the commands, so encrypted fixtures would just be unreadable to later runs.
 */
async function decryptedHistory(history: unknown, codec: PayloadCodec): Promise<unknown> {
  const encrypted: JsonPayload[] = [];
  const collect = (value: unknown): void => {
    if (!value || typeof value !== 'object') return;
    const candidate = value as Partial<JsonPayload>;
    if (candidate.metadata?.encoding === encryptedEncodingBase64) encrypted.push(candidate as JsonPayload);
    else Object.values(value).forEach(collect);
  };
  collect(history);
  const decoded = await codec.decode(
    encrypted.map((payload) => ({
      metadata: Object.fromEntries(Object.entries(payload.metadata).map(([key, value]) => [key, Buffer.from(value, 'base64')])),
      data: Buffer.from(payload.data ?? '', 'base64'),
    })),
  );
  encrypted.forEach((payload, index) => {
    payload.metadata = Object.fromEntries(Object.entries(decoded[index]!.metadata ?? {}).map(([key, value]) => [key, Buffer.from(value).toString('base64')]));
    payload.data = Buffer.from(decoded[index]!.data ?? new Uint8Array()).toString('base64');
  });
  return history;
}
