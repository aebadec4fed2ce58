import { DefaultLogger, Runtime, makeTelemetryFilterString, type LogLevel } from '@temporalio/worker';
import type { Logger } from '../logger';

let installed = false;

/**
 * Installs the Temporal Core runtime once per process, routing its logs into our logger, and
 * without its own signal handlers: leadflow shuts down workers, API and dev server in order itself.
 */
export function installTemporalRuntime(logger: Logger): void {
  if (installed) return;
  installed = true;
  const temporalLogger = logger.child({ component: 'temporal' });
  Runtime.install({
    shutdownSignals: [],
    // Core (Rust) logs, such as poll retries while Temporal is down, go through our logger too.
    telemetryOptions: { logging: { forward: {}, filter: makeTelemetryFilterString({ core: 'WARN', other: 'ERROR' }) } },
    logger: new DefaultLogger(toTemporalLevel(logger.level), ({ level, message, meta }) => {
      const method =
        level === 'TRACE'
          ? 'trace'
          : level === 'DEBUG'
            ? 'debug'
            : level === 'INFO'
              ? 'info'
              : level === 'WARN'
                ? 'warn'
                : 'error';
      temporalLogger[method](meta ?? {}, message);
    }),
  });
}

function toTemporalLevel(level: string): LogLevel {
  switch (level) {
    case 'trace':
      return 'TRACE';
    case 'debug':
      return 'DEBUG';
    case 'info':
      return 'INFO';
    case 'warn':
      return 'WARN';
    default:
      return 'ERROR';
  }
}
