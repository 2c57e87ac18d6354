import type { FileKind } from '../model/file-kind';
import { NWS, WS, utf8Length } from './perl-text';
import { asciiLower } from './perl-text';
import { SourceToken, type HeaderLine, type SectionKind } from './tree';
import type { SourceLine } from './source-lines';

/** The sections each kind's parser recognises (its empty template's keys). */
export const SECTIONS_BY_KIND: Record<FileKind, readonly SectionKind[]> = {
  cluster: ['options', 'aliases', 'group', 'rules', 'ipset'],
  host: ['options', 'rules'],
  guest: ['options', 'aliases', 'rules', 'ipset'],
  vnet: ['options', 'rules'],
};

export const NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_-]+$/;
export const MAX_GROUP_NAME_LENGTH = 18;
export const MAX_IPSET_NAME_LENGTH = 64;
export const MAX_ALIAS_NAME_LENGTH = 64;

const PLAIN: Partial<Record<SectionKind, RegExp>> = {
  options: /^\[options\]$/i,
  aliases: /^\[aliases\]$/i,
  rules: /^\[rules\]$/i,
};
const NAMED: Partial<Record<SectionKind, RegExp>> = {
  group: new RegExp(`^\\[group${WS}+(${NWS}+)\\]${WS}*(?:#${WS}*(.*?)${WS}*)?$`, 'isd'),
  ipset: new RegExp(`^\\[ipset${WS}+(${NWS}+)\\]${WS}*(?:#${WS}*(.*?)${WS}*)?$`, 'isd'),
};

function nameError(section: 'group' | 'ipset', name: string): string | undefined {
  const [label, max] =
    section === 'group'
      ? ['security group', MAX_GROUP_NAME_LENGTH]
      : ['ipset', MAX_IPSET_NAME_LENGTH];
  if (utf8Length(name) > max) return `${label} name too long`;
  if (!NAME_PATTERN.test(name)) return `invalid ${label} name '${name}'`;
  return undefined;
}

/**
 * A section header as the kind's parser recognises it, in Proxmox's order of tests, or
 * undefined when the line is not a header for this kind (it is then read as content).
 */
export function parseHeaderLine(line: SourceLine, kind: FileKind): HeaderLine | undefined {
  const { content, start } = line;
  // Proxmox tests the headers in this order: options, aliases, group, rules, ipset.
  for (const section of ['options', 'aliases', 'group', 'rules', 'ipset'] as const) {
    if (!SECTIONS_BY_KIND[kind].includes(section)) continue;
    const plain = PLAIN[section];
    if (plain) {
      if (plain.test(content)) return { kind: 'header', line, section };
      continue;
    }
    const match = NAMED[section]!.exec(content);
    if (!match) continue;
    const written = match[1]!;
    const nameStart = start + match.indices![1]![0];
    const nameToken = new SourceToken(written, nameStart);
    const name = asciiLower(written);
    const problem = nameError(section as 'group' | 'ipset', name);
    const comment = match[2];
    if (problem) {
      return {
        kind: 'header',
        line,
        section,
        nameToken,
        error: { message: problem, span: nameToken.span },
      };
    }
    return { kind: 'header', line, section, name, nameToken, ...(comment ? { comment } : {}) };
  }
  return undefined;
}
