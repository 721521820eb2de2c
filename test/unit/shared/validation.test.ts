import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { parseWith } from '../../../shared/validation';

const Schema = v.strictObject({ name: v.string(), count: v.number(), mode: v.picklist(['a', 'b']) });

describe('parseWith', () => {
  it('returns the parsed value', () => {
    expect(parseWith(Schema, { name: 'x', count: 1, mode: 'a' })).toEqual({
      ok: true,
      value: { name: 'x', count: 1, mode: 'a' },
    });
  });

  it('names every wrong field and what it expects', () => {
    const parsed = parseWith(Schema, { name: 3, count: 'x', mode: 'c' });
    expect(parsed).toEqual({
      ok: false,
      problems: ['"name" must be string', '"count" must be number', '"mode" must be ("a" | "b")'],
    });
  });

  it('names an unknown field', () => {
    expect(parseWith(Schema, { name: 'x', count: 1, mode: 'a', token: 'y' })).toEqual({
      ok: false,
      problems: ['"token" is not a field of this request'],
    });
  });

  it('keeps a message written into the schema', () => {
    const Passphrase = v.strictObject({
      passphrase: v.pipe(v.string(), v.minLength(12, 'needs at least 12 characters')),
    });
    expect(parseWith(Passphrase, { passphrase: 'short' })).toEqual({
      ok: false,
      problems: ['"passphrase": needs at least 12 characters'],
    });
  });

  it('never echoes the value it refused, which might be a passphrase', () => {
    const secret = 'correct horse battery staple';
    const parsed = parseWith(Schema, { name: 'x', count: secret, mode: secret, [secret]: secret });
    expect(parsed.ok).toBe(false);
    expect(JSON.stringify(parsed)).not.toContain('horse');
  });
});
