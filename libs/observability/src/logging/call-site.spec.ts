import { callSite } from './call-site';

/** Stands in for the SDK's logger: its frames are skipped by name. */
class ObservabilityLogger {
  log(): ReturnType<typeof callSite> {
    return this.write();
  }

  private write(): ReturnType<typeof callSite> {
    return callSite(this.write);
  }
}

class DealsService {
  create(logger: ObservabilityLogger) {
    return logger.log();
  }
}

describe('callSite', () => {
  it('names the first function outside the logger, with its line', () => {
    const fromService = new DealsService().create(new ObservabilityLogger());
    expect(fromService).toEqual({
      function: 'DealsService.create',
      line: expect.any(Number),
    });
  });

  it('leaves the function out for an anonymous caller', () => {
    const logger = new ObservabilityLogger();
    const site = [0].map(() => logger.log())[0];
    expect(site?.function).toBeUndefined();
    expect(site?.line).toBeGreaterThan(0);
  });
});
