import type { DataConverter, PayloadCodec } from '@temporalio/common';
import { AesGcmPayloadCodec, parsePayloadCodecKeys } from './payload-codec';
import type { AppConfig } from './config';

/** The file with the `failureConverter` export; bundleWorkflowCode needs it too when prebundling. */
export const failureConverterPath = require.resolve('./failure-converter');

export function payloadCodecFor(keys: AppConfig['payloadCodec']): AesGcmPayloadCodec {
  return new AesGcmPayloadCodec(parsePayloadCodecKeys(keys.keys, keys.activeKeyId));
}

/** What every Temporal client and worker of this app must use, so all of them read each other's payloads. */
export function encryptedDataConverter(codec: PayloadCodec): DataConverter {
  return { payloadCodecs: [codec], failureConverterPath };
}
