// `pvefw check --format sarif` and `--format gitlab`, as CI systems read them: the SARIF log is
// valid against the SARIF 2.1.0 schema, each code is a rule with its docs page as help, a dead
// rule points at the rules that take its packets, and a finding with a quick fix carries it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { after, test } from 'node:test';
import Ajv from 'ajv-draft-04';
import { REPO_ROOT, cleanup, makeTree, pvefw } from './helpers';

const TREE = {
  'firewall/cluster.fw': [
    '[OPTIONS]',
    'enable: 1',
    '',
    '[IPSET webservers]',
    '10.0.1.0/24',
    '',
    '[RULES]',
    'IN ACCEPT -p tcp -dport 22',
    'IN DROP -p tcp -dport 22 -source 10.0.0.5',
    'IN ACCEPT -source +Webservers -p tcp -dport 443',
    '',
  ].join('\n'),
};

const root = makeTree(TREE);
after(() => cleanup(root));

interface SarifLog {
  runs: {
    tool: { driver: { rules: { id: string; help: { markdown: string } }[] } };
    results: {
      ruleId: string;
      level: string;
      locations: { physicalLocation: { region: { startLine: number } } }[];
      relatedLocations?: { physicalLocation: { region: { startLine: number } } }[];
      fixes?: { artifactChanges: { replacements: { insertedContent: { text: string } }[] }[] }[];
    }[];
  }[];
}

test('check --format sarif: a SARIF 2.1.0 log that its schema accepts', () => {
  const result = pvefw(['check', '--format', 'sarif', '.'], root);
  assert.equal(result.status, 1, result.stderr);
  assert.equal(result.stderr, '');
  const log = JSON.parse(result.stdout) as SarifLog;
  const require = createRequire(__filename);
  const schema = JSON.parse(
    readFileSync(
      require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'),
      'utf8',
    ),
  ) as object;
  // The schema's own patterns are not valid under the u flag; formats are not what is tested.
  const validate = new Ajv({
    allErrors: true,
    strict: false,
    unicodeRegExp: false,
    validateFormats: false,
  }).compile(schema);
  assert.ok(validate(log), JSON.stringify(validate.errors, null, 2));

  const run = log.runs[0]!;
  const rule = run.tool.driver.rules.find((r) => r.id === 'shadowed-rule');
  assert.match(rule?.help.markdown ?? '', /## What Proxmox does/);
  const shadowed = run.results.find((r) => r.ruleId === 'shadowed-rule')!;
  assert.equal(shadowed.level, 'warning');
  assert.equal(shadowed.locations[0]!.physicalLocation.region.startLine, 9);
  assert.equal(shadowed.relatedLocations?.[0]?.physicalLocation.region.startLine, 8);
  const wrongCase = run.results.find((r) => r.ruleId === 'undefined-ipset')!;
  assert.equal(wrongCase.level, 'error');
  assert.deepEqual(
    wrongCase.fixes?.[0]?.artifactChanges[0]?.replacements.map((r) => r.insertedContent.text),
    ['webservers'],
  );
});

test('check --format gitlab: a Code Quality report, one issue per finding', () => {
  const result = pvefw(['check', '--format', 'gitlab', '.'], root);
  const issues = JSON.parse(result.stdout) as {
    check_name: string;
    severity: string;
    fingerprint: string;
    location: { path: string; lines: { begin: number } };
  }[];
  const byName = new Map(issues.map((i) => [i.check_name, i]));
  assert.deepEqual(byName.get('undefined-ipset')?.location, {
    path: 'firewall/cluster.fw',
    lines: { begin: 10, end: 10 },
  });
  assert.equal(byName.get('undefined-ipset')?.severity, 'major');
  assert.equal(new Set(issues.map((i) => i.fingerprint)).size, issues.length);
});

test('the help in SARIF is the docs pages as they are (generated module up to date)', () => {
  const check = spawnSync(
    process.execPath,
    [join(REPO_ROOT, 'scripts', 'gen-diagnostic-help.mjs'), '--check'],
    { encoding: 'utf8' },
  );
  assert.equal(check.status, 0, check.stderr);
});
