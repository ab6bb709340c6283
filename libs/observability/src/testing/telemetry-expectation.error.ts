/**
 * Thrown by the testing kit's helpers when what a test expects was not recorded. The
 * message says what was expected and lists what was recorded instead.
 */
export class TelemetryExpectationError extends Error {
  constructor(message: string) {
    super(message);
    Object.defineProperty(this, 'name', {
      value: 'TelemetryExpectationError',
      configurable: true,
    });
  }
}
