import { DEFAULT_HEALTH_OPTIONS as D } from './health-defaults';
import type {
  ApplicationCheck,
  S3ClientLike,
  SmtpTransporterLike,
} from './health-targets.interface';
import { isOptionalPeerInstalled } from './optional-peer';
import type { OptionChecks } from '../core/option-checks';
import type { HealthTargets as Targets } from './resolved-health-options';

/** Validates `health.smtp`, `health.s3` and `health.application`. */
export function resolveServices(
  h: Record<string, unknown>,
  c: OptionChecks,
): Pick<Targets, 'smtp' | 's3' | 'application'> {
  return {
    smtp: smtp(h.smtp, c),
    s3: s3(h.s3, c),
    application: application(h.application, c),
  };
}

function smtp(value: unknown, c: OptionChecks): Targets['smtp'] {
  const s = c.section(value, 'health.smtp', [
    'transporter',
    'host',
    'port',
    'secure',
    'auth',
  ]);
  if (s === undefined) return undefined;
  if ((s.transporter === undefined) === (s.host === undefined)) {
    c.push(
      'health.smtp',
      'must have exactly one of { transporter } or { host }',
    );
  } else if (s.host !== undefined && !isOptionalPeerInstalled('nodemailer')) {
    c.push(
      'health.smtp',
      'requires the optional peer dependency "nodemailer" (npm install nodemailer)',
    );
  }
  const port = c.integer(s.port, D.smtp.port, 'health.smtp.port', 1, 65_535);
  const a = c.section(s.auth, 'health.smtp.auth', ['user', 'pass']);
  return {
    transporter: c.client<SmtpTransporterLike>(
      s.transporter,
      'health.smtp.transporter',
      'a nodemailer transporter (with verify())',
      ['verify'],
    ),
    host: c.optionalString(s.host, 'health.smtp.host'),
    port,
    secure: c.boolean(s.secure, port === 465, 'health.smtp.secure'),
    auth: a && {
      user: c.string(a.user, '', 'health.smtp.auth.user', true),
      pass: c.string(a.pass, '', 'health.smtp.auth.pass', true),
    },
  };
}

function s3(value: unknown, c: OptionChecks): Targets['s3'] {
  const s = c.section(value, 'health.s3', [
    'bucket',
    'client',
    'region',
    'endpoint',
    'forcePathStyle',
    'credentials',
  ]);
  if (s === undefined) return undefined;
  if (
    s.client === undefined &&
    !isOptionalPeerInstalled('@aws-sdk/client-s3')
  ) {
    c.push(
      'health.s3',
      'requires the optional peer dependency "@aws-sdk/client-s3" (npm install @aws-sdk/client-s3)',
    );
  }
  const cred = c.section(s.credentials, 'health.s3.credentials', [
    'accessKeyId',
    'secretAccessKey',
  ]);
  const endpoint = c.optionalString(s.endpoint, 'health.s3.endpoint', true);
  if (endpoint !== undefined && !/^https?:\/\/[^\s]+$/.test(endpoint)) {
    c.push('health.s3.endpoint', 'must be an http(s) URL');
  }
  return {
    bucket:
      s.bucket === undefined
        ? (c.push('health.s3.bucket', 'is required'), '')
        : c.string(s.bucket, '', 'health.s3.bucket'),
    client: c.client<S3ClientLike>(
      s.client,
      'health.s3.client',
      'an S3Client (with send())',
      ['send'],
    ),
    region: c.string(s.region, D.s3.region, 'health.s3.region'),
    endpoint,
    forcePathStyle: c.boolean(
      s.forcePathStyle,
      D.s3.forcePathStyle,
      'health.s3.forcePathStyle',
    ),
    credentials: cred && {
      accessKeyId: c.string(
        cred.accessKeyId,
        '',
        'health.s3.credentials.accessKeyId',
        true,
      ),
      secretAccessKey: c.string(
        cred.secretAccessKey,
        '',
        'health.s3.credentials.secretAccessKey',
        true,
      ),
    },
  };
}

function application(
  value: unknown,
  c: OptionChecks,
): ApplicationCheck | undefined {
  const a = c.section(value, 'health.application', ['check']);
  if (a === undefined) return undefined;
  if (typeof a.check !== 'function') {
    c.push(
      'health.application.check',
      `must be a function (got ${c.show(a.check)})`,
    );
    return undefined;
  }
  return a.check as ApplicationCheck;
}
