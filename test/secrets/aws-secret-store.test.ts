import assert from 'node:assert/strict';
import { ExternalServiceError } from '../../domain/service-errors';
import { AwsSecretStore } from '../../secrets/aws-secret-store';
import { startScriptedSecretsManager, type ScriptedReply, type ScriptedRequest, type ScriptedSecretsManager } from './scripted-secrets-manager';

// AWS behaviour moto does not reproduce, checked against a scripted loopback endpoint. The shared
// contract against moto is in secret-store.test.ts.
describe('AwsSecretStore against AWS-specific answers', function () {
  const name = 'tenants/T1/crm/c1';
  const ok: ScriptedReply = { status: 200, body: {} };
  let fake: ScriptedSecretsManager | undefined;

  async function storeAnswering(reply: (request: ScriptedRequest, attempt: number) => ScriptedReply): Promise<AwsSecretStore> {
    fake = await startScriptedSecretsManager(reply);
    return new AwsSecretStore({ region: 'us-east-1', endpoint: fake.endpoint, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  }

  function operations(): string[] {
    return fake!.requests.map((request) => request.operation);
  }

  async function failureOf(promise: Promise<unknown>): Promise<ExternalServiceError> {
    const error = await promise.then(
      () => assert.fail('expected the operation to fail'),
      (caught: unknown) => caught,
    );
    assert.ok(error instanceof ExternalServiceError, `expected ExternalServiceError, got ${String(error)}`);
    assert.equal(error.service, 'secrets');
    return error;
  }

  afterEach(async function () {
    await fake?.stop();
    fake = undefined;
  });

  it('stores a new version of an existing secret with PutSecretValue', async function () {
    const store = await storeAnswering(({ operation }) =>
      operation === 'CreateSecret' ? { status: 400, error: 'ResourceExistsException' } : ok,
    );
    await store.put(name, 'v2');
    assert.deepEqual(operations(), ['CreateSecret', 'PutSecretValue']);
    assert.equal(fake!.requests[1].body.SecretString, 'v2');
  });

  it('restores a secret scheduled for deletion, then stores the new value', async function () {
    // AWS refuses both CreateSecret and PutSecretValue on such a secret; moto accepts the put.
    const store = await storeAnswering(({ operation }, attempt) => {
      if (operation === 'CreateSecret') return { status: 400, error: 'InvalidRequestException', message: 'already scheduled for deletion' };
      if (operation === 'PutSecretValue' && attempt === 1) return { status: 400, error: 'InvalidRequestException', message: 'marked for deletion' };
      return ok;
    });
    await store.put(name, 'v2');
    assert.deepEqual(operations(), ['CreateSecret', 'PutSecretValue', 'RestoreSecret', 'PutSecretValue']);
  });

  it('fails as retryable while a force-deleted name is still being removed', async function () {
    const store = await storeAnswering(({ operation }) => {
      if (operation === 'RestoreSecret') return { status: 400, error: 'ResourceNotFoundException' };
      return { status: 400, error: 'InvalidRequestException', message: 'already scheduled for deletion' };
    });
    const error = await failureOf(store.put(name, 'v2'));
    assert.equal(error.kind, 'retryable');
    assert.deepEqual(operations(), ['CreateSecret', 'PutSecretValue', 'RestoreSecret']);
  });

  it('reads a missing secret as null when AWS answers ResourceNotFoundException with HTTP 400', async function () {
    const store = await storeAnswering(() => ({ status: 400, error: 'ResourceNotFoundException' }));
    assert.equal(await store.get(name), null);
  });

  it('deletes without a recovery window and treats an already missing secret as deleted', async function () {
    const store = await storeAnswering(() => ({ status: 400, error: 'ResourceNotFoundException' }));
    await store.delete(name);
    assert.deepEqual(fake!.requests[0].body, { SecretId: name, ForceDeleteWithoutRecovery: true });
  });

  it('deletes by prefix across pages, skipping names the case-insensitive filter lets through', async function () {
    const pages: Record<string, { Name: string }[]> = {
      first: [{ Name: 'tenants/T1/a' }, { Name: 'Tenants/T1/other-tenant' }],
      second: [{ Name: 'tenants/T1/b' }],
    };
    const store = await storeAnswering(({ operation, body }) => {
      if (operation !== 'ListSecrets') return ok;
      return body.NextToken === 'page-2'
        ? { status: 200, body: { SecretList: pages.second } }
        : { status: 200, body: { SecretList: pages.first, NextToken: 'page-2' } };
    });
    assert.equal(await store.deletePrefix('tenants/T1/'), 2);
    const [listRequest] = fake!.requests;
    assert.deepEqual(listRequest.body.Filters, [{ Key: 'name', Values: ['tenants/T1/'] }]);
    assert.equal(listRequest.body.IncludePlannedDeletion, true);
    const deleted = fake!.requests.filter((request) => request.operation === 'DeleteSecret').map((request) => request.body.SecretId);
    assert.deepEqual(deleted, ['tenants/T1/a', 'tenants/T1/b']);
  });

  it('makes one SDK retry on a 5xx, then fails as retryable', async function () {
    const store = await storeAnswering(() => ({ status: 500, error: 'InternalServiceError' }));
    const error = await failureOf(store.get(name));
    assert.equal(error.kind, 'retryable');
    assert.equal(error.status, 500);
    assert.deepEqual(operations(), ['GetSecretValue', 'GetSecretValue']);
  });

  it('fails as retryable when throttled (HTTP 400 ThrottlingException)', async function () {
    const store = await storeAnswering(() => ({ status: 400, error: 'ThrottlingException', message: 'Rate exceeded' }));
    const error = await failureOf(store.get(name));
    assert.equal(error.kind, 'retryable');
    assert.deepEqual(operations(), ['GetSecretValue', 'GetSecretValue']);
    assert.match(error.detail ?? '', /GetSecretValue "tenants\/T1\/crm\/c1": ThrottlingException \(HTTP 400\): Rate exceeded/);
  });

  it('fails as invalid, without retrying, when access is denied', async function () {
    const store = await storeAnswering(() => ({ status: 400, error: 'AccessDeniedException' }));
    const error = await failureOf(store.put(name, 'v1'));
    assert.equal(error.kind, 'invalid');
    assert.deepEqual(operations(), ['CreateSecret']);
  });

  it('cuts the value out of an error message that echoes it', async function () {
    const value = 'echoed-secret-value-123';
    const store = await storeAnswering(() => ({ status: 400, error: 'ValidationException', message: `Value '${value}' failed to satisfy constraint` }));
    const error = await failureOf(store.put(name, value));
    assert.ok(!error.message.includes(value), error.message);
    assert.match(error.message, /Value '\[redacted\]' failed/);
  });
});
