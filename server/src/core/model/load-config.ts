import type { FwSyntaxTree } from '../syntax';
import type { FileKind } from './file-kind';
import type { FwConfig } from './fw-config';
import { loadAlias, loadHeader, loadOption } from './load-definitions';
import { loadIpSetEntry } from './load-ipset-entry';
import { loadRule } from './load-rule';
import type { RuleJudgements } from './verify-rule-memo';
import {
  LoadState,
  type LineVerdict,
  type LoadContext,
  type UnverifiedReference,
} from './load-state';

export { isSdnSetName } from './load-state';
export type { LineVerdict, LoadContext, UnverifiedReference } from './load-state';

export interface LoadResult {
  readonly config: FwConfig;
  readonly verdicts: LineVerdict[];
  readonly unverified: UnverifiedReference[];
}

/**
 * Loads one file as pve-firewall's generic_fw_config_parser does: top to bottom, each
 * reference checked against what is defined so far (in cluster.fw the file is its own cluster
 * config), every line's fate recorded. Never throws. `judgements`: the file's from its last
 * load, to reuse (the editor loads the same file after every keystroke).
 */
export function loadFwConfig(
  tree: FwSyntaxTree,
  kind: FileKind,
  context: LoadContext = {},
  judgements?: RuleJudgements,
): LoadResult {
  judgements?.beginLoad();
  const state = new LoadState(tree, kind, context, judgements);
  for (const line of tree.lines) {
    switch (line.kind) {
      // A merge-conflict marker is reported by the merge-conflict check; both sides' lines
      // around it load as they are.
      case 'comment':
      case 'blank':
      case 'conflict-marker':
        break;
      case 'no-section':
        state.verdict(
          line,
          'dropped',
          'no-section',
          'skip line - no section',
          state.wholeLine(line),
        );
        break;
      case 'header':
        loadHeader(state, line);
        break;
      case 'option':
        loadOption(state, line);
        break;
      case 'alias':
        loadAlias(state, line);
        break;
      case 'ipset-entry':
        loadIpSetEntry(state, line);
        break;
      case 'rule':
        loadRule(state, line);
        break;
    }
  }
  const { config, verdicts, unverified, unloadable } = state;
  return { config: { ...config, unloadable }, verdicts, unverified };
}
