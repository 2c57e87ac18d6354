/**
 * The packet simulator: a port of pve-firewall's FirewallSimulator.pm over the compiled
 * ruleset (../compile), and the runner for Proxmox's `tests` files.
 *
 *   prepareSimulation(compiled: CompileResult): SimulationRulesets
 *   simulatePacket(rulesets, topology, request: SimulateRequest): SimulationResult & { packet }
 *     verdict ACCEPT | DROP | REJECT, and per netfilter hook passed (`checks`) every rule that
 *     matched, with its CompiledRule (origin file and line for user rules)
 *   runFirewallTests(rulesets, topology, testsText, id?): TestRunReport
 *   formatSimulation(result): string[] — the path as text
 *   readTopology(json): Topology — topology.json, validated; PROXMOX_TEST_TOPOLOGY: upstream's world
 *
 * Where it differs from Proxmox's simulator, on purpose: every chain is evaluated as the kernel
 * would (upstream short-cuts PVEFW-Drop, PVEFW-reject and PVEFW-tcpflags); ipset `nomatch`
 * entries work (most specific entry wins, hash:net semantics; upstream dies on them); ports
 * and ICMP types compare by value (a service name, `-p 6` for tcp, `destination-unreachable`
 * matching a `host-unreachable` packet); IPv6 packets use the IPv6 ruleset; a rule condition
 * on a packet field the request leaves out (a port, the interface) does not match instead of
 * aborting the run; the packet mark starts at 0 for every packet.
 */
export { prepareSimulation, simulatePacket, requestPacket } from './simulate';
export type { SimulationRulesets } from './simulate';
export { runFirewallTests, FAN_OUT_ZONES } from './run-tests';
export type { TestCaseResult, TestRunReport, Traversal } from './run-tests';
export { parseTestsFile } from './test-file';
export type { TestCase, TestFileError } from './test-file';
export { formatSimulation, formatCheck, describePacket, ruleSource } from './format-trace';
export { readTopology, TopologyError } from '../model';
export { PROXMOX_TEST_TOPOLOGY } from '../model';
export { resolveZone, zoneOfAddress, ZoneError } from './zones';
export type { Endpoint } from './zones';
export type {
  HookCheck,
  Packet,
  SimulateRequest,
  SimulationResult,
  TraceEvent,
  Verdict,
} from './simulation-types';
export { deciderText, decidingRule, type Decider } from './decider';
export { runTestsWith } from './run-tests';
