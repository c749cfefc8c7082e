import assert from 'node:assert/strict';
import { createLogger } from '../../runtime/logger';
import { temporalLoggerFor } from '../../wiring/temporal-runtime-logging';

const pipedriveToken = '3f2a9c1b7e4d5a6b8c9d0e1f2a3b4c5d6e7f8a9b';
const secrets = {
  salesforceSession: '00D5g000004ABCD!AQ0AQHc8mK.xYz_3fQpR9wLmN1bVcX7sT2uJ',
  slackAppToken: 'xapp-1-A0123ABCDEF-1234567890123-0a1b2c3d4e5f6a7b8c9d',
  slackRefreshToken: 'xoxe-1-My0xLTExMTExMTExLTEyMzQ1Njc4OTAxMjM0',
  slackRotatingToken: 'xoxe.xoxp-1-Mi0yLTExMTExMTExLTIyMjIyMjIy',
  googleClientSecret: 'GOCSPX-4bX_yZ7kQ2mP9rT1vW3nL8cD',
  pipedriveToken,
  fathomKey: 'fathom-emulated-6f1c2b8e-1d4a-4c5e-9b3f-2a7d8e9f0a1b',
  cronoSecret: 'crono-private-8Xk2Lm9Qp',
};

function logLines(emitLines: (lines: string[]) => void): string[] {
  const lines: string[] = [];
  emitLines(lines);
  return lines;
}

describe('log redaction', () => {
  it('masks every credential shape wherever it appears in a log line', () => {
    const lines = logLines((lines) => {
      const logger = createLogger({ write: (line) => lines.push(line) });
      logger.info(`session ${secrets.salesforceSession} and app token ${secrets.slackAppToken}`);
      logger.warn('Slack refresh failed', { detail: `refresh ${secrets.slackRefreshToken} gave ${secrets.slackRotatingToken}` });
      logger.error('Google said invalid_client', { body: `client_secret=${secrets.googleClientSecret}&grant_type=refresh_token` });
      logger.info('Pipedrive call', { url: `https://api.pipedrive.com/v1/deals?api_token=${pipedriveToken}`, echoed: pipedriveToken });
      logger.info('Fathom request', { headers: `X-Api-Key: ${secrets.fathomKey}` });
      logger.info(`Crono answered 401 to x-api-secret=${secrets.cronoSecret}`);
      logger.info('stored', { value: JSON.stringify({ type: 'apiKey', apiKey: secrets.fathomKey }) });
    });
    const output = lines.join('\n');
    for (const [name, secret] of Object.entries(secrets)) {
      assert.ok(!output.includes(secret), `${name} leaked: ${output}`);
    }
    assert.match(output, /X-Api-Key: \[redacted\]/);
    assert.equal(lines.length, 7);
  });

  it('keeps ordinary identifiers readable', () => {
    const lines = logLines((lines) => {
      createLogger({ write: (line) => lines.push(line) }).info('Meeting logged', { recordingId: '123456789', account: '0015g00000XyZabAAB', taskQueue: 'meetings' });
    });
    const entry = JSON.parse(lines[0]!) as Record<string, unknown>;
    assert.deepEqual([entry.recordingId, entry.account, entry.taskQueue], ['123456789', '0015g00000XyZabAAB', 'meetings']);
  });

  it('sends Temporal SDK and workflow log events through the JSON logger, one redacted line each', () => {
    const lines = logLines((lines) => {
      const temporalLogger = temporalLoggerFor(createLogger({ level: 'info', write: (line) => lines.push(line) }));
      temporalLogger.warn('Meeting action failed', { workflowId: 'w-1', detail: `bad token ${secrets.slackAppToken}`, [Symbol('timestamp')]: 1n, sequence: 7n });
      temporalLogger.log('ERROR', `Activity failed with ${secrets.salesforceSession}`, { sdkComponent: 'activity' });
      temporalLogger.debug('below the app level');
      temporalLogger.trace('below the app level too');
    });
    assert.equal(lines.length, 2);
    const [warning, failure] = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.deepEqual([warning!.level, warning!.msg, warning!.workflowId, warning!.detail, warning!.sequence], ['warn', 'Meeting action failed', 'w-1', 'bad token [redacted]', '7']);
    assert.deepEqual([failure!.level, failure!.msg, failure!.sdkComponent], ['error', 'Activity failed with [redacted]', 'activity']);
  });
});
