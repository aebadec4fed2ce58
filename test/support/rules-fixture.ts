import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseDocument, type Document } from 'yaml';
import { loadRulesetFromTexts } from '../../src/rules/load';
import { runRuleTests } from '../../src/rules/rule-tests';

/**
 * A copy of the shipped rules with edits, for dev-server tests that cannot wait real business
 * days: the edits go through the YAML document (comments kept), and the copy must still pass
 * validation, so fixtures stay honest rule files. Test cases of the shipped files that the edits
 * break (they expect the shipped values, e.g. a 2-business-hour SLA) are dropped, since rules whose
 * own tests fail are never activated; the cases that still hold stay.
 */
export function rulesFixture(
  edits: Partial<Record<'scoring' | 'routing' | 'escalation' | 'cadences' | 'approvals', (doc: Document) => void>>,
): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'leadflow-rules-'));
  cpSync(path.resolve('rules'), dir, { recursive: true });
  for (const [kind, edit] of Object.entries(edits)) {
    const file = path.join(dir, `${kind}.yaml`);
    const doc = parseDocument(readFileSync(file, 'utf8'));
    edit(doc);
    writeFileSync(file, doc.toString());
  }
  dropBrokenTests(dir);
  return dir;
}

/** Removes the `tests:` cases that fail on the edited copy in `dir`. */
function dropBrokenTests(dir: string): void {
  const texts = Object.fromEntries(
    readdirSync(dir)
      .filter((name) => /\.ya?ml$/.test(name))
      .map((name) => [name, readFileSync(path.join(dir, name), 'utf8')]),
  );
  const loaded = loadRulesetFromTexts(texts, { tests: false });
  if (!loaded.ok) return; // the start-up reports the problems
  const failed = runRuleTests(loaded.ruleset).filter((result) => !result.passed);
  for (const file of new Set(failed.map((result) => result.file))) {
    const doc = parseDocument(texts[file]!);
    const indexes = failed.filter((result) => result.file === file).map((result) => result.index);
    for (const index of indexes.sort((a, b) => b - a)) doc.deleteIn(['tests', index]);
    writeFileSync(path.join(dir, file), doc.toString());
  }
}

/** Seconds-long first-touch SLA and escalation steps; cadences may send at any moment of any day, holidays too. */
export const fastJourneyRules = {
  escalation: (doc: Document) => {
    doc.setIn(['slas', 0, 'within'], '3 seconds');
    doc.deleteIn(['slas', 0, 'overrides']);
    const steps = doc.getIn(['slas', 0, 'onBreach']) as { items: unknown[] };
    steps.items.forEach((_, index) => {
      if (index > 0) doc.setIn(['slas', 0, 'onBreach', index, 'after'], '2 seconds');
    });
  },
  cadences: (doc: Document) => {
    // Open every minute of every day, holidays included, so no test depends on when it runs.
    const always = {
      days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
      from: '00:00',
      to: '24:00',
      holidays: 'none',
    };
    doc.set('sendWindow', doc.createNode(always));
    const cadences = doc.get('cadences') as { items: unknown[] };
    cadences.items.forEach((_, index) => {
      if (doc.hasIn(['cadences', index, 'sendWindow']))
        doc.setIn(['cadences', index, 'sendWindow'], doc.createNode(always));
    });
  },
};

/** The fast rules plus cadence steps seconds apart, for tests that watch a whole cadence run. */
export function fastCadenceRules(stepGap: string) {
  return {
    ...fastJourneyRules,
    cadences: (doc: Document) => {
      fastJourneyRules.cadences(doc);
      const cadences = doc.get('cadences') as { items: unknown[] };
      cadences.items.forEach((_, cadence) => {
        const steps = doc.getIn(['cadences', cadence, 'steps']) as { items: unknown[] };
        steps.items.forEach((__, step) => {
          if (doc.hasIn(['cadences', cadence, 'steps', step, 'after']))
            doc.setIn(['cadences', cadence, 'steps', step, 'after'], stepGap);
        });
      });
    },
  };
}
