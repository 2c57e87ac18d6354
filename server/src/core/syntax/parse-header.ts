import type { FileKind } from '../facts';
import { isPerlSpace, perlSpaceStart, trimPerlSpace, utf8Length } from './perl-text';
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
interface NamedHeader {
  readonly name: string;
  /** Offset of the name in the line's content. */
  readonly at: number;
  readonly comment?: string;
}

/**
 * Proxmox's /^\[group\s+(\S+)\]\s*(?:#\s*(.*?)\s*)?$/i (and the same for ipset), by hand: that
 * pattern backtracks quadratically on a long run of blanks. The greedy \S+ makes the name the
 * longest run of non-blanks that ends in "]" and leaves a valid rest: only blanks, or blanks and
 * then "#" and a comment (trimmed).
 */
export function matchNamedHeader(content: string, keyword: string): NamedHeader | undefined {
  const open = `[${keyword}`;
  if (asciiLower(content.slice(0, open.length)) !== open) return undefined;
  if (!isPerlSpace(content[open.length])) return undefined;
  const at = perlSpaceStart(content, open.length);
  let runEnd = at;
  while (runEnd < content.length && !isPerlSpace(content[runEnd])) runEnd++;
  // The rest after a name that ends the run: blanks only, or blanks then a comment.
  const restStart = perlSpaceStart(content, runEnd);
  let close = -1;
  if (
    runEnd - 1 > at &&
    content[runEnd - 1] === ']' &&
    (restStart === content.length || content[restStart] === '#')
  )
    close = runEnd - 1;
  else {
    // Otherwise the name ends at the last "]" inside the run that a "#" follows at once.
    for (let i = runEnd - 2; i > at; i--) {
      if (content[i] === ']' && content[i + 1] === '#') {
        close = i;
        break;
      }
    }
  }
  if (close === -1) return undefined;
  const hash = close + 1 === runEnd ? restStart : close + 1;
  const comment = hash < content.length ? trimPerlSpace(content.slice(hash + 1)) : undefined;
  return { name: content.slice(at, close), at, ...(comment !== undefined ? { comment } : {}) };
}

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
  // Every header begins with "[" (each pattern below starts there): most lines are no header.
  if (content[0] !== '[') return undefined;
  // Proxmox tests the headers in this order: options, aliases, group, rules, ipset.
  for (const section of ['options', 'aliases', 'group', 'rules', 'ipset'] as const) {
    if (!SECTIONS_BY_KIND[kind].includes(section)) continue;
    const plain = PLAIN[section];
    if (plain) {
      if (plain.test(content)) return { kind: 'header', line, section };
      continue;
    }
    if (section !== 'group' && section !== 'ipset') continue;
    const match = matchNamedHeader(content, section);
    if (!match) continue;
    const written = match.name;
    const nameToken = new SourceToken(written, start + match.at);
    const name = asciiLower(written);
    const problem = nameError(section, name);
    const comment = match.comment;
    if (problem) {
      return {
        kind: 'header',
        line,
        section,
        nameToken,
        error: {
          code: section === 'group' ? 'invalid-group-name' : 'invalid-ipset-name',
          message: problem,
          span: nameToken.span,
        },
      };
    }
    return { kind: 'header', line, section, name, nameToken, ...(comment ? { comment } : {}) };
  }
  return undefined;
}
