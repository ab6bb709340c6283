import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { doctorMessages } from './doctor-messages';

const README = readFileSync(
  join(__dirname, '..', '..', '..', '..', 'README.md'),
  'utf8',
);
const SECTION = README.slice(
  README.indexOf('### When nothing shows up'),
  README.indexOf('\n## ', README.indexOf('### When nothing shows up')),
);

/** Each message's parameters, as README "When nothing shows up" writes them. */
const PLACEHOLDERS: {
  [K in keyof typeof doctorMessages]: Parameters<(typeof doctorMessages)[K]>;
} = {
  unsupportedNode: ['{found}', '{min}'],
  nestMissing: [],
  unsupportedNest: ['{found}', '{range}'],
  apiMissing: [],
  unsupportedApi: ['{found}', '{range}'],
  duplicateSingleton: ['{name}', ['{copies}']],
  esmWithRequire: ['{where}'],
  noPreload: ['{where}'],
  statusUnavailable: ['{url}', '{why}'],
  sdkNotStarted: [],
  loadedBeforeSdk: ['{module}'],
  otlpUnreachable: ['{url}', '{why}'],
  otlpRejected: ['{url}', '{status}' as unknown as number],
  metricsUnreachable: ['{url}', '{why}'],
  metricsInvalid: ['{url}', '{problem}'],
  metricsEmpty: ['{url}', '{prefix}'],
};

describe('doctor messages', () => {
  it('finds the "When nothing shows up" section', () => {
    expect(SECTION.length).toBeGreaterThan(1000);
  });

  it.each(Object.keys(PLACEHOLDERS) as (keyof typeof doctorMessages)[])(
    '%s: its message and fix are documented',
    (key) => {
      const render = doctorMessages[key] as (
        ...args: unknown[]
      ) => ReturnType<(typeof doctorMessages)[typeof key]>;
      const { message, fix } = render(...PLACEHOLDERS[key]);
      // One copy listed renders "1 copies"; the README names the count.
      expect(SECTION).toContain(
        `> ${message.replace(/^1 copies/, '{count} copies')}`,
      );
      expect(fix).toMatch(/ See \S+#when-nothing-shows-up$/);
      expect(SECTION).toContain(`Fix: ${fix.replace(/ See \S+$/, '')}`);
    },
  );
});
