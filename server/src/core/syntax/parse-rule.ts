import { LOG_LEVELS } from '../facts';
import { detached } from '../text';
import { NWS, WS, asciiLower, perlSpaceEnd, perlSpaceStart, trimPerlSpaceEnd } from './perl-text';
import {
  NO_REPEATS,
  SourceToken,
  type Mutable,
  type RuleField,
  type RuleOption,
  type RuleSyntax,
  type Token,
} from './tree';

// Each option as parse_fw_rule matches it: the flag, exactly one space, a value, then any blanks.
// The flag spellings and the -log level list are Proxmox's; anything else ends the loop. The
// flags cannot be confused with one another, so one sticky pattern tries them all at once.
const OPTION = new RegExp(
  `(-i|-p|--?proto|--?dport|--?sport|--?source|--?dest|--?icmp-type) (${NWS}+)${WS}*` +
    `|(--?log) (${LOG_LEVELS.join('|')})${WS}*`,
  'ys',
);
/** Every option flag Proxmox reads, and the rule field it sets. */
export const FIELD_BY_FLAG: Readonly<Record<string, RuleField>> = {
  '-i': 'iface',
  '-p': 'proto',
  '-proto': 'proto',
  '--proto': 'proto',
  '-dport': 'dport',
  '--dport': 'dport',
  '-sport': 'sport',
  '--sport': 'sport',
  '-source': 'source',
  '--source': 'source',
  '-dest': 'dest',
  '--dest': 'dest',
  '-log': 'log',
  '--log': 'log',
  '-icmp-type': 'icmp-type',
  '--icmp-type': 'icmp-type',
};
const TYPE_AND_ACTION = new RegExp(`^(${NWS}+)(${WS}+)(${NWS}+)${WS}*`, 's');
const MACRO_ACTION = new RegExp(`^(${NWS}+)\\((ACCEPT|DROP|REJECT)\\)$`, 's');

// Short words (IN, ACCEPT, -dport, tcp, 443, +trusted) repeat across a file's rules: each
// token refers to one shared copy instead of its own string. Bounded for a long-lived server.
const words = new Map<string, string>();
const MAX_WORD = 16;

function shared(text: string): string {
  if (text.length > MAX_WORD) return text;
  const known = words.get(text);
  if (known !== undefined) return known;
  if (words.size >= 20_000) words.clear();
  // Kept across files and revisions: a copy, not a view into this file's text.
  const own = detached(text);
  words.set(own, own);
  return own;
}

function token(text: string, start: number): Token {
  return new SourceToken(shared(text), start);
}

/** Splits off a `# comment` the way Proxmox does: from the first "#", trimmed. */
export function splitComment(
  content: string,
  start: number,
  cutBlanksBefore: boolean,
): { body: string; comment?: Token } {
  const hash = content.indexOf('#');
  if (hash === -1) return { body: content };
  const bodyEnd = cutBlanksBefore ? perlSpaceEnd(content, hash) : hash;
  const textStart = perlSpaceStart(content, hash + 1);
  const text = content.slice(textStart, Math.max(textStart, perlSpaceEnd(content)));
  // Free text, seldom repeated: not worth a place among the shared words.
  return {
    body: content.slice(0, bodyEnd),
    comment: new SourceToken(text, start + textStart),
  };
}

/**
 * Parses one [RULES] or [group] line as pve-firewall's parse_fw_rule does, up to (not including)
 * verify_rule. `content` is the trimmed line; `start` its offset in the file.
 */
export function parseRuleSyntax(content: string, start: number): RuleSyntax {
  const { body, comment } = splitComment(content, start, false);
  let rest = body;
  let offset = start;
  const enabled = !rest.startsWith('|');
  if (!enabled) {
    rest = rest.slice(1);
    offset += 1;
  }
  // Built by assignment, never by spreading: V8 gives every object made by spreading into a
  // literal its own hidden class, which cost about 300 bytes per rule line and slowed every
  // reader of the tree.
  const result: Mutable<RuleSyntax> = { enabled, options: {}, repeated: NO_REPEATS };
  if (comment) result.comment = comment;

  const head = TYPE_AND_ACTION.exec(rest);
  if (!head) {
    const message = `unable to parse rule: ${trimPerlSpaceEnd(rest)}`;
    result.error = {
      code: 'unparsable-rule',
      message,
      span: { start, end: start + content.length },
    };
    return result;
  }
  const typeToken = token(head[1]!, offset);
  const type = shared(asciiLower(typeToken.text));
  let actionToken = token(head[3]!, offset + head[1]!.length + head[2]!.length);
  let macroToken: Token | undefined;
  if (type === 'in' || type === 'out' || type === 'forward') {
    const macro = MACRO_ACTION.exec(actionToken.text);
    if (macro) {
      macroToken = token(macro[1]!, actionToken.span.start);
      actionToken = token(macro[2]!, actionToken.span.start + macro[1]!.length + 1);
    }
  }
  offset += head[0].length;

  const options: Partial<Record<RuleField, RuleOption>> = {};
  const repeated: RuleOption[] = [];
  // `at` indexes `body`, which begins at `start` in the file.
  let at = offset - start;
  while (at < body.length) {
    OPTION.lastIndex = at;
    const match = OPTION.exec(body);
    if (!match) break;
    const flagText = match[1] ?? match[3]!;
    const valueText = match[2] ?? match[4]!;
    const field = FIELD_BY_FLAG[flagText]!;
    // GROUP rules stop at the first option that is not -i.
    if (type === 'group' && field !== 'iface') break;
    const option = {
      flag: token(flagText, start + at),
      value: token(valueText, start + at + flagText.length + 1),
    };
    const earlier = options[field];
    if (earlier) repeated.push(earlier);
    options[field] = option;
    at += match[0].length;
  }
  offset = start + at;
  rest = body.slice(at);

  result.typeToken = typeToken;
  result.type = type;
  result.actionToken = actionToken;
  result.action = actionToken.text;
  result.options = options;
  result.repeated = repeated.length > 0 ? repeated : NO_REPEATS;
  if (macroToken) result.macroToken = macroToken;
  if (rest.length > 0) {
    const shown = trimPerlSpaceEnd(rest);
    result.error = {
      code: 'unparsable-rule-parameters',
      message: `unable to parse rule parameters: ${shown}`,
      span: { start: offset, end: offset + Math.max(shown.length, 1) },
    };
  }
  return result;
}
