import type { DataConverter, PayloadCodec } from '@temporalio/common';
import { AesGcmPayloadCodec, parsePayloadCodecKeys, type PlaintextPolicy } from './payload-codec';
import type { AppConfig } from './config';

/** The file with the `failureConverter` export; bundleWorkflowCode needs it too when prebundling. */
export const failureConverterPath = require.resolve('./failure-converter');

/** Workers and clients refuse unencrypted input; only the codec server shows it (old histories). */
export function payloadCodecFor(keys: AppConfig['payloadCodec'], plaintext: PlaintextPolicy = 'refuse'): AesGcmPayloadCodec {
  return new AesGcmPayloadCodec(parsePayloadCodecKeys(keys.keys, keys.activeKeyId), plaintext);
}

/** What every Temporal client and worker of this app must use, so all of them read each other's payloads. */
export function encryptedDataConverter(codec: PayloadCodec): DataConverter {
  return { payloadCodecs: [codec], failureConverterPath };
}
