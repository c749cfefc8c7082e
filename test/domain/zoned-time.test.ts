import assert from 'node:assert/strict';
import { parseLocalDateTime, toInstant, toLocalDateTime } from '../../domain/zoned-time';

const instantOf = (local: string, zone: string) => toInstant(parseLocalDateTime(local)!, zone).toISOString();

describe('zoned wall-clock time', () => {
  it('converts ordinary local times both ways in positive and negative offsets', () => {
    assert.equal(instantOf('2026-07-01T09:00', 'Europe/Rome'), '2026-07-01T07:00:00.000Z');
    assert.equal(instantOf('2026-01-15T09:00', 'America/Los_Angeles'), '2026-01-15T17:00:00.000Z');
    assert.deepEqual(toLocalDateTime(new Date('2026-01-15T17:00:00Z'), 'America/Los_Angeles'), { year: 2026, month: 1, day: 15, hour: 9, minute: 0 });
  });

  it('moves a time in a spring-forward gap forward by the gap', () => {
    assert.equal(instantOf('2026-03-29T02:30', 'Europe/Rome'), '2026-03-29T01:30:00.000Z'); // 03:30 CEST
    assert.equal(instantOf('2026-03-08T02:30', 'America/Los_Angeles'), '2026-03-08T10:30:00.000Z'); // 03:30 PDT
  });

  it('resolves a time repeated in autumn to its first occurrence', () => {
    assert.equal(instantOf('2026-10-25T02:30', 'Europe/Rome'), '2026-10-25T00:30:00.000Z'); // 02:30 CEST
    assert.equal(instantOf('2026-11-01T01:30', 'America/Los_Angeles'), '2026-11-01T08:30:00.000Z'); // 01:30 PDT
  });

  it('rejects impossible dates and malformed input', () => {
    assert.equal(parseLocalDateTime('2026-02-30T10:00'), null);
    assert.equal(parseLocalDateTime('2026-02-10T24:00'), null);
    assert.equal(parseLocalDateTime('tomorrow at ten'), null);
    assert.deepEqual(parseLocalDateTime('2026-02-10T09:05:59'), { year: 2026, month: 2, day: 10, hour: 9, minute: 5 });
  });
});
