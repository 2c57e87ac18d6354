// Compiles small configurations given as text, for the compiler and simulator tests.
import {
  compileRuleset,
  loadCompileInput,
  type CompileResult,
} from '../../../server/src/core/compile';
import type { Topology } from '../../../server/src/core/model/topology';
import { PROXMOX_TEST_TOPOLOGY } from '../../../server/src/core/simulate';

export interface Texts {
  readonly cluster?: string;
  readonly host?: string;
  readonly guests?: Readonly<Record<number, string>>;
}

/** The upstream test world without corosync, as compile-scopes/compiled.json was made. */
export const NO_COROSYNC: Topology = (() => {
  const { corosyncTransport: _corosync, ...rest } = PROXMOX_TEST_TOPOLOGY;
  return { ...rest, nodes: [] };
})();

export function compileTexts(texts: Texts, topology: Topology = NO_COROSYNC): CompileResult {
  const guests = new Map(
    Object.entries(texts.guests ?? {}).map(([vmid, text]) => [
      Number(vmid),
      { path: `${vmid}.fw`, text },
    ]),
  );
  return compileRuleset(
    loadCompileInput(
      {
        guests,
        ...(texts.cluster !== undefined
          ? { cluster: { path: 'cluster.fw', text: texts.cluster } }
          : {}),
        ...(texts.host !== undefined ? { host: { path: 'host.fw', text: texts.host } } : {}),
      },
      topology,
    ),
  );
}

/** A chain's rules as text, or undefined when the chain does not exist. */
export function chain(result: CompileResult, family: 4 | 6, name: string): string[] | undefined {
  return (family === 4 ? result.v4 : result.v6).chains.get(name)?.map((r) => r.text);
}

/** The user rules of a chain: text and `file:line`. */
export function userRules(result: CompileResult, family: 4 | 6, name: string): string[] {
  const rules = (family === 4 ? result.v4 : result.v6).chains.get(name) ?? [];
  return rules
    .filter((r) => r.origin)
    .map((r) => `${r.text} @${r.origin!.path}:${r.origin!.lineNumber}`);
}

export const ENABLED_CLUSTER = '[OPTIONS]\nenable: 1\n';
