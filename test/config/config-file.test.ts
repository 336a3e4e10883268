import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/config-file.js';

describe('config file', () => {
  it('reads ISP overrides and hard bounce categories from YAML or JSON', async () => {
    const yaml = await parseConfig(
      'isp:\n  domains: { corp.example: corp }\n  mx: { .mx.corp.example: corp }\n  names: { corp: "Corp" }\nhardBounceCategories: [bad-mailbox]\n',
      'c.yaml',
    );
    expect(yaml).toEqual({
      isps: { domains: { 'corp.example': 'corp' }, mxSuffixes: { '.mx.corp.example': 'corp' }, names: { corp: 'Corp' } },
      hardBounceCategories: ['bad-mailbox'],
    });
    const json = await parseConfig('{"hardBounceCategories": ["bad-domain"]}', 'c.json');
    expect(json.hardBounceCategories).toEqual(['bad-domain']);
  });

  it('names file, line, column and field of a mistake', async () => {
    await expect(parseConfig('isp:\n  domains:\n    corp.example: 42\n', 'c.yaml')).rejects.toThrow(
      /^c\.yaml:3:19: isp\.domains\.corp\.example: expected a non-empty string/,
    );
    await expect(parseConfig('ispp: {}\n', 'c.yaml')).rejects.toThrow(/^c\.yaml:1:1: ispp: unknown field/);
    await expect(parseConfig('isp: [\n', 'c.yaml')).rejects.toThrow(/^c\.yaml:\d+:\d+: /);
    await expect(parseConfig('hardBounceCategories: bad-mailbox\n', 'c.yaml')).rejects.toThrow(
      /^c\.yaml:1:23: hardBounceCategories: expected a list/,
    );
  });
});
