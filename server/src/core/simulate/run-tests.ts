import type { Topology } from '../model';
import { simulatePacket, type SimulationRulesets } from './simulate';
import { parseTestsFile, type TestCase, type TestFileError } from './test-file';
import type { Packet, SimulateRequest, SimulationResult } from './simulation-types';
import { ZoneError } from './zones';

/** A test without `from` (or `to`) runs once for each of these, minus the zone it names. */
export const FAN_OUT_ZONES: readonly string[] = ['host', 'outside', 'nfvm', 'vm100', 'ct200'];

const PACKET_KEYS = new Set([
  'proto',
  'dport',
  'sport',
  'source',
  'dest',
  'srctype',
  'dsttype',
  'state',
]);
const TEST_KEYS = new Set(['from', 'to', 'action', 'id']);

/** One packet of a test: a test fans out into several when it leaves out an end. */
export interface Traversal {
  readonly from: string;
  readonly to: string;
  readonly expected: string;
  /** The simulation, unless the packet could not be set up (`error`). */
  readonly result?: SimulationResult & { readonly packet: Packet };
  readonly error?: string;
  readonly passed: boolean;
}

export interface TestCaseResult {
  readonly test: TestCase;
  readonly traversals: readonly Traversal[];
  /** A problem with the test itself (unknown key, no action, no ends). */
  readonly error?: string;
  readonly passed: boolean;
}

export interface TestRunReport {
  readonly cases: readonly TestCaseResult[];
  readonly parseErrors: readonly TestFileError[];
  readonly traversals: number;
  readonly passed: boolean;
}

/** Simulates one packet of a test (pve-firewall's ruleset, or another backend's). */
export type PacketSimulator = (
  request: SimulateRequest,
) => SimulationResult & { readonly packet: Packet };

function traverse(
  simulate: PacketSimulator,
  request: SimulateRequest,
  expected: string,
): Traversal {
  const base = { from: request.from, to: request.to, expected };
  try {
    const result = simulate(request);
    // QUERY asks for the verdict without expecting one, as in fwtester.pl.
    return { ...base, result, passed: expected === 'QUERY' || result.verdict === expected };
  } catch (error) {
    if (!(error instanceof ZoneError)) throw error;
    return { ...base, error: error.message, passed: false };
  }
}

function runCase(simulate: PacketSimulator, test: TestCase): TestCaseResult {
  const fail = (error: string): TestCaseResult => ({ test, traversals: [], error, passed: false });
  const fields = test.fields;
  const unknown = Object.keys(fields).find((k) => !TEST_KEYS.has(k) && !PACKET_KEYS.has(k));
  if (unknown !== undefined) return fail(`unknown attribute '${unknown}'`);
  const action = fields['action'];
  if (action === undefined || action === '') return fail("missing 'action'");
  const packet: Record<string, string> = {};
  for (const key of PACKET_KEYS) if (fields[key] !== undefined) packet[key] = fields[key];
  const { from, to } = fields;
  let ends: [string, string][];
  if (from === undefined && to === undefined) return fail('missing zone specification (from, to)');
  if (to === undefined) ends = FAN_OUT_ZONES.filter((z) => z !== from).map((z) => [from!, z]);
  else if (from === undefined) ends = FAN_OUT_ZONES.filter((z) => z !== to).map((z) => [z, to]);
  else ends = [[from, to]];
  const traversals = ends.map(([f, t]) =>
    traverse(simulate, { ...packet, from: f, to: t }, action),
  );
  return { test, traversals, passed: traversals.every((t) => t.passed) };
}

/**
 * Runs a `tests` file (Proxmox's format) against a compiled firewall: every case, every
 * fanned-out packet, with the trace of each. `id` runs only the tests with that id.
 */
export function runFirewallTests(
  rulesets: SimulationRulesets,
  topology: Topology,
  testsText: string,
  id?: string,
): TestRunReport {
  return runTestsWith((request) => simulatePacket(rulesets, topology, request), testsText, id);
}

/** runFirewallTests with any simulator (proxmox-firewall's for a node on nftables). */
export function runTestsWith(
  simulate: PacketSimulator,
  testsText: string,
  id?: string,
): TestRunReport {
  const parsed = parseTestsFile(testsText);
  const selected = parsed.cases.filter((c) => id === undefined || c.fields['id'] === id);
  const cases = selected.map((test) => runCase(simulate, test));
  return {
    cases,
    parseErrors: parsed.errors,
    traversals: cases.reduce((n, c) => n + c.traversals.length, 0),
    passed: parsed.errors.length === 0 && cases.length > 0 && cases.every((c) => c.passed),
  };
}
