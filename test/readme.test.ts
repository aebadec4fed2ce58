import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configReference } from '../src/config';

const readme = readFileSync('README.md', 'utf8');

describe('README stays true to the code', () => {
  it('when a variable is read by the config, then the README configuration table documents it', () => {
    const undocumented = configReference()
      .map((entry) => entry.name)
      .filter((name) => !readme.includes(`| \`${name}\` |`));
    expect(undocumented).toEqual([]);
  });

  it('when CI runs, then it runs the test command the README gives', () => {
    const ci = readFileSync('.ci/run', 'utf8');
    const readmeCommand = readme.match(/## Tests\s+```sh\s+(.+?)\s+```/)?.[1];
    expect(readmeCommand).toBe('npm test');
    expect(ci).toMatch(new RegExp(`^${readmeCommand}$`, 'm'));
  });
});
