/**
 * Loaded by path (DataConverter.failureConverterPath), in workers, clients and inside the
 * workflow bundle alike: failure messages and stack traces travel as an encoded payload, so the
 * payload codec encrypts them too instead of leaving them readable in workflow history.
 */
import { DefaultFailureConverter } from '@temporalio/common';

export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
