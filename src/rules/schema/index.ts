/**
 * The file schema for each kind. One table, so loaders, JSON Schema generation and the
 * validate endpoint cannot disagree about which schema a file is checked against.
 */
import type { z } from 'zod';
import type { RuleKind } from '../types';
import { approvalsFileSchema, type ApprovalsFile } from './approvals';
import { cadencesFileSchema, type CadencesFile } from './cadences';
import { escalationFileSchema, type EscalationFile } from './escalation';
import { forecastFileSchema, type ForecastFile } from './forecast';
import { lossReasonsFileSchema, type LossReasonsFile } from './loss-reasons';
import { routingFileSchema, type RoutingFile } from './routing';
import { scoringFileSchema, type ScoringFile } from './scoring';

/** The validated content of each kind of file. */
export interface RuleFiles {
  scoring: ScoringFile;
  routing: RoutingFile;
  escalation: EscalationFile;
  cadences: CadencesFile;
  approvals: ApprovalsFile;
  forecast: ForecastFile;
  'loss-reasons': LossReasonsFile;
}

export const FILE_SCHEMAS: { [K in RuleKind]: z.ZodType<RuleFiles[K]> } = {
  scoring: scoringFileSchema,
  routing: routingFileSchema,
  escalation: escalationFileSchema,
  cadences: cadencesFileSchema,
  approvals: approvalsFileSchema,
  forecast: forecastFileSchema,
  'loss-reasons': lossReasonsFileSchema,
};
