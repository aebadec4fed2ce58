import pino from 'pino';

/** The minimal logger shape the core accepts, so tests can pass a quiet one. */
export type Logger = pino.Logger;

/** Creates the process logger: JSON lines on stdout, one `component` field per part. */
export function createLogger(level: pino.LevelWithSilent = 'info'): Logger {
  return pino({ level, base: { service: 'leadflow' }, timestamp: pino.stdTimeFunctions.isoTime });
}
