import { OPTIONS } from '../facts';
import type { FileKind } from '../model';
import type { FwConfig } from '../model';
import type { LineVerdict } from '../model';
import { FIELD_BY_FLAG } from '../syntax';
import { asciiLower } from '../syntax';
import type { FwSyntaxTree } from '../syntax';
import { referenceRemedy, type NameScopes } from './reference-remedy';

const isFlag = (text: string): boolean => Object.hasOwn(FIELD_BY_FLAG, text);

/** An option flag Proxmox knows, then a tab or more than one space. */
function flagWithExtraBlanks(rest: string): boolean {
  const m = /^(\S+)(\t| {2})/.exec(rest);
  return m !== null && isFlag(m[1]!);
}

/** Where a name is defined anywhere in a file, lower-cased ipset names included. */
function definitionLine(
  tree: FwSyntaxTree,
  section: 'ipset' | 'aliases',
  lowerName: string,
): number | undefined {
  for (const line of tree.lines) {
    if (
      section === 'ipset' &&
      line.kind === 'header' &&
      line.section === 'ipset' &&
      line.name === lowerName
    ) {
      return line.line.number;
    }
    if (
      section === 'aliases' &&
      line.kind === 'alias' &&
      (line.nameToken && asciiLower(line.nameToken.text)) === lowerName
    ) {
      return line.line.number;
    }
  }
  return undefined;
}

function referenceHint(
  verdict: LineVerdict,
  trees: readonly FwSyntaxTree[],
  own: FwSyntaxTree,
  scopes: NameScopes,
): string | undefined {
  const match = /^no such (ipset|alias) '(.*)'$/.exec(verdict.message);
  if (!match) return undefined;
  return (
    sameKindHint(match, verdict, trees, own) ??
    referenceRemedy(match[1] as 'ipset' | 'alias', match[2]!, scopes)?.hint
  );
}

/** The name is defined, in another case or further down. */
function sameKindHint(
  match: RegExpExecArray,
  verdict: LineVerdict,
  trees: readonly FwSyntaxTree[],
  own: FwSyntaxTree,
): string | undefined {
  const isSet = match[1] === 'ipset';
  const written = match[2]!.replace(/^(dc|guest|sdn)\//, '');
  const lower = asciiLower(written);
  for (const tree of trees) {
    const line = definitionLine(tree, isSet ? 'ipset' : 'aliases', lower);
    if (line === undefined) continue;
    if (isSet && written !== lower) {
      return `ipset names are stored in lower case, but references are case-sensitive: write '+${lower}'`;
    }
    if (tree === own && line > verdict.lineNumber) {
      return `it is defined further down, at line ${line}; Proxmox resolves names top to bottom, so move the definition above its first use`;
    }
  }
  return undefined;
}

/**
 * The group an option line tries to apply (`firewall_group: webservers`, as guides write it):
 * Proxmox has no such option, only the rule `GROUP name`.
 */
export function groupOption(line: string): string | undefined {
  return /^(?:firewall_group|security_group|group)s?:[ \t]*([A-Za-z][A-Za-z0-9_-]*)[ \t]*$/i.exec(
    line,
  )?.[1];
}

function optionHint(line: string, kind: FileKind): string | undefined {
  if (line.includes('#'))
    return 'option lines cannot carry a # comment; put the comment on a line of its own';
  if (/^\[[^\]]*\]/.test(line)) {
    return `a ${kind} file has no such section; Proxmox reads this header as an option line and drops it and the lines after it`;
  }
  const key = /^([A-Za-z0-9_]+):/.exec(line)?.[1]?.toLowerCase();
  if (!key) return 'an option line is "key: value"';
  const fact = OPTIONS.filter((o) => o.key === key);
  const group = groupOption(line);
  if (group !== undefined)
    return `'${key}' is not a firewall option: a security group applies with the rule 'GROUP ${group}' in [RULES]`;
  if (fact.length === 0) return `'${key}' is not a firewall option`;
  const own = fact.find((o) => o.kinds.includes(kind));
  if (!own) {
    const kinds = fact.flatMap((o) => o.kinds).join(', ');
    return `'${key}' is not an option of ${kind} files (it belongs in: ${kinds})`;
  }
  return `allowed values: ${own.syntax}`;
}

/** A plain-English explanation for a Proxmox message, where the message alone is cryptic. */
export function hintFor(
  verdict: LineVerdict,
  kind: FileKind,
  own: FwConfig,
  cluster: FwConfig | undefined,
  lineText: string,
): string | undefined {
  const trees = cluster && cluster !== own ? [own.tree, cluster.tree] : [own.tree];
  switch (verdict.code) {
    case 'undefined-ipset':
    case 'undefined-alias':
      return referenceHint(verdict, trees, own.tree, {
        own: kind === 'cluster' || kind === 'guest' ? own : undefined,
        cluster: kind === 'cluster' ? own : cluster,
      });
    case 'unparsable-rule-parameters': {
      const rest = verdict.message.replace(/^unable to parse rule parameters: /, '');
      if (flagWithExtraBlanks(rest))
        return 'exactly one space must separate an option from its value';
      if (isFlag(rest)) return 'the option has no value';
      if (/^--?log /.test(rest))
        return 'log levels are lower case: emerg alert crit err warning notice info debug nolog';
      return 'Proxmox does not know this option (only -i, -p, -dport, -sport, -source, -dest, -log, -icmp-type; GROUP rules take only -i)';
    }
    case 'unparsable-rule':
      return lineText.startsWith('| ')
        ? 'no blank is allowed after the disabling "|"'
        : 'a rule needs a direction and an action';
    case 'invalid-option':
      return optionHint(lineText, kind);
    case 'invalid-action': {
      const action = verdict.message.replace(/^unknown action '(.*)'$/, '$1');
      if (/^(accept|drop|reject)$/i.test(action))
        return 'actions are case-sensitive: write ACCEPT, DROP or REJECT';
      if (/^log$/i.test(action))
        return "Proxmox has no LOG action: add '-log info' (or another level) to an ACCEPT, DROP or REJECT rule, or set log_level_in / log_level_out in [OPTIONS] to log what the policy decides";
      return undefined;
    }
    case 'unknown-protocol':
      // Any quoted piece with a capital letter (split, not /'[^']*[A-Z][^']*'/: linear).
      return verdict.message
        .split("'")
        .slice(1, -1)
        .some((piece) => /[A-Z]/.test(piece))
        ? 'protocol names are case-sensitive (lower case)'
        : undefined;
    case 'invalid-address':
      return verdict.message.startsWith('invalid IP address: Invalid prefix')
        ? 'the address has host bits set beyond the prefix length; use the network address'
        : undefined;
    case 'no-section':
      return 'the line stands before any section header, or after an invalid [IPSET]/[group] header';
    case 'crlf-line-endings':
      return 'the file has Windows (CRLF) line ends, so Proxmox recognises no section header and ignores the whole file';
    case 'missing-protocol':
      return 'ports and ICMP types need a protocol: add -p tcp, -p udp or -p icmp';
    default:
      return undefined;
  }
}
