/**
 * `leadflow start` with other engine tuning, for the levers benchmark (./levers.ts): the first
 * argument is the tuning as JSON (`{"devServerSqlitePragmas":{…},"worker":{…}}`), merged over the
 * defaults. Run with `node --import tsx src/bench/levers-start.ts '<json>'`.
 */
import { DEFAULT_ENGINE_TUNING, type EngineTuning } from '../config';
import { runServices } from '../cli/run-services';

const given = JSON.parse(process.argv[2] ?? '{}') as Partial<EngineTuning>;
const engine: EngineTuning = {
  devServerSqlitePragmas: { ...DEFAULT_ENGINE_TUNING.devServerSqlitePragmas, ...given.devServerSqlitePragmas },
  worker: { ...DEFAULT_ENGINE_TUNING.worker, ...given.worker },
};
runServices('start', (config) => ({ ...config, engine })).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`levers-start: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
