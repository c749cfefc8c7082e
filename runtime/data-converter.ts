import type { DataConverter } from '@temporalio/common';
import { AesGcmPayloadCodec, parsePayloadCodecKeys } from './payload-codec';
import type { AppConfig } from './config';

/** The file with the `failureConverter` export; bundleWorkflowCode needs it too when prebundling. */
export const failureConverterPath = require.resolve('./failure-converter');

/** What every Temporal client and worker of this app must use, so all of them read each other's payloads. */
export function encryptedDataConverter(codecKeys: AppConfig['payloadCodec']): DataConverter {
  return {
    payloadCodecs: [new AesGcmPayloadCodec(parsePayloadCodecKeys(codecKeys.keys, codecKeys.activeKeyId))],
    failureConverterPath,
  };
}
