import {
  ALERTMANAGER_FILE,
  ALERTS_FILE,
  expectSuccess,
  readYaml,
  rel,
  run,
  type RuleFile,
} from './deploy-tools';

interface Receiver {
  name: string;
  slack_configs?: Record<string, unknown>[];
  pagerduty_configs?: Record<string, unknown>[];
  email_configs?: Record<string, unknown>[];
  [integration: string]: unknown;
}

interface AlertmanagerConfig {
  global?: Record<string, unknown>;
  receivers: Receiver[];
  inhibit_rules: {
    source_matchers: string[];
    target_matchers: string[];
    equal: string[];
  }[];
}

const SECRETS_DIR = '/etc/alertmanager/secrets/';

/** Alertmanager settings that hold a secret inline; `*_file` is the only way. */
const INLINE_SECRET_KEYS = [
  'slack_api_url',
  'api_url',
  'service_key',
  'routing_key',
  'smtp_auth_password',
  'smtp_auth_secret',
  'auth_password',
  'auth_secret',
  'api_key',
  'bot_token',
  'token',
  'password',
  'bearer_token',
  'credentials',
];

const config = readYaml<AlertmanagerConfig>(ALERTMANAGER_FILE);

/** The receivers `amtool config routes test` picks for a label set. */
function receiversFor(labels: Record<string, string>): string[] {
  const result = run('amtool', [
    'config',
    'routes',
    'test',
    `--config.file=${rel(ALERTMANAGER_FILE)}`,
    ...Object.entries(labels).map(([name, value]) => `${name}=${value}`),
  ]);
  expectSuccess(result);
  const lines = result.stdout.trim().split('\n');
  return (lines[lines.length - 1] ?? '').split(',').map((name) => name.trim());
}

function walk(
  node: unknown,
  visit: (key: string, value: unknown, at: string) => void,
  at = '',
): void {
  if (Array.isArray(node)) {
    node.forEach((item, index) => walk(item, visit, `${at}[${index}]`));
  } else if (node !== null && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      visit(key, value, `${at}.${key}`);
      walk(value, visit, `${at}.${key}`);
    }
  }
}

describe('Alertmanager configuration', () => {
  it('passes amtool check-config', () => {
    const result = run('amtool', ['check-config', rel(ALERTMANAGER_FILE)]);
    expectSuccess(result);
    expect(result.output).toContain('SUCCESS');
  });

  // amtool (0.25) does not require *_file secrets to exist, so the committed
  // file is checked as it is; the secret files exist only on the host.
  it('holds no inline secret: every secret is a *_file under /etc/alertmanager/secrets/', () => {
    const inline: string[] = [];
    const files: string[] = [];
    walk(config, (key, value, at) => {
      if (INLINE_SECRET_KEYS.includes(key)) inline.push(at);
      if (key.endsWith('_file')) {
        files.push(at);
        expect(typeof value === 'string' && value.startsWith(SECRETS_DIR)).toBe(
          true,
        );
      }
    });
    expect(inline).toEqual([]);
    for (const receiver of config.receivers) {
      for (const slack of receiver.slack_configs ?? []) {
        expect(slack.api_url_file).toEqual(expect.any(String));
      }
      for (const pagerduty of receiver.pagerduty_configs ?? []) {
        expect(
          pagerduty.routing_key_file ?? pagerduty.service_key_file,
        ).toEqual(expect.any(String));
      }
      for (const email of receiver.email_configs ?? []) {
        expect(
          email.auth_password_file ?? config.global?.smtp_auth_password_file,
        ).toEqual(expect.any(String));
      }
    }
    expect(files.length).toBeGreaterThanOrEqual(3);
  });

  it.each([['prs-backend'], ['postgresql'], ['system'], ['redis']])(
    'routes critical alerts of %s to PagerDuty and Slack',
    (service) => {
      expect(
        receiversFor({ alertname: 'X', severity: 'critical', service }),
      ).toEqual(['pagerduty-critical', 'slack-critical']);
    },
  );

  it.each([['prs-backend'], ['postgresql'], ['system'], ['redis']])(
    'routes warning alerts of %s to Slack and e-mail',
    (service) => {
      expect(
        receiversFor({ alertname: 'X', severity: 'warning', service }),
      ).toEqual(['slack-warnings', 'email-warnings']);
    },
  );

  it('sends alerts without a known severity to Slack', () => {
    expect(receiversFor({ alertname: 'X', service: 'prs-backend' })).toEqual([
      'slack-warnings',
    ]);
  });

  it('routes every severity the alert rules use to a dedicated route', () => {
    const rules = readYaml<RuleFile>(ALERTS_FILE);
    const severities = new Set(
      rules.groups.flatMap((group) =>
        group.rules.map((rule) => rule.labels?.severity ?? ''),
      ),
    );
    expect([...severities].sort()).toEqual(['critical', 'warning']);
  });

  it('lets a critical alert inhibit the warnings of the same service', () => {
    expect(config.inhibit_rules).toEqual([
      {
        source_matchers: ['severity="critical"'],
        target_matchers: ['severity="warning"'],
        equal: ['service'],
      },
    ]);
  });

  it('defines each receiver it routes to, with its integrations', () => {
    const byName = new Map(config.receivers.map((r) => [r.name, r]));
    expect(byName.get('pagerduty-critical')?.pagerduty_configs).toHaveLength(1);
    expect(byName.get('slack-critical')?.slack_configs).toHaveLength(1);
    expect(byName.get('slack-warnings')?.slack_configs).toHaveLength(1);
    expect(byName.get('email-warnings')?.email_configs).toHaveLength(1);
  });
});
