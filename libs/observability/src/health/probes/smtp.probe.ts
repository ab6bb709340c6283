import { performance } from 'node:perf_hooks';
import { messages } from '../../core/messages';
import type { ProbeResult } from '../check-outcome';
import type { SmtpTransporterLike } from '../health-targets.interface';
import { isOptionalPeerInstalled, loadOptionalPeer } from '../optional-peer';
import type { ResolvedHealthOptions } from '../resolved-health-options';
import { seconds } from './round';

type SmtpConfig = NonNullable<ResolvedHealthOptions['smtp']>;
interface Nodemailer {
  createTransport(options: object): SmtpTransporterLike;
}

/**
 * Connects, greets (EHLO) and authenticates when credentials are set, via nodemailer's
 * `verify()`. Every socket phase is bounded by the check timeout, so the attempt settles.
 */
export class SmtpProbe {
  private own: SmtpTransporterLike | undefined;

  constructor(
    private readonly config: SmtpConfig,
    private readonly timeoutMs: number,
  ) {}

  async run(): Promise<ProbeResult> {
    const transporter = this.config.transporter ?? (await this.transporter());
    const start = performance.now();
    await transporter.verify();
    return {
      healthy: true,
      data: {
        response_time: seconds(performance.now() - start),
        details: 'Email service reachable',
      },
    };
  }

  /** Loads nodemailer and builds the transporter ahead of the first check (at bootstrap). */
  async prepare(): Promise<void> {
    if (!this.config.transporter)
      await this.transporter().catch(() => undefined);
  }

  /** Closes the probe's own transporter, if it made one. */
  close(): Promise<void> {
    this.own?.close?.();
    this.own = undefined;
    return Promise.resolve();
  }

  private async transporter(): Promise<SmtpTransporterLike> {
    if (this.own) return this.own;
    if (!isOptionalPeerInstalled('nodemailer'))
      throw new Error(messages.healthPeerMissing('nodemailer'));
    const nodemailer = await loadOptionalPeer<Nodemailer>('nodemailer');
    const { host, port, secure, auth } = this.config;
    return (this.own = nodemailer.createTransport({
      host,
      port,
      secure,
      auth,
      connectionTimeout: this.timeoutMs,
      greetingTimeout: this.timeoutMs,
      socketTimeout: this.timeoutMs,
    }));
  }
}
