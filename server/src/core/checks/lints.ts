import type { DiagnosticCode } from '../findings';
import type { FwConfig } from '../model';
import { mergeConflicts } from './merge-conflicts';
import { NAME_PATTERN } from '../syntax';
import { asciiLower } from '../syntax';
import type { Span } from '../text';
import type { RelatedLocation } from '../findings';

/** A finding on a line Proxmox accepts: what it does is legal but probably not what was meant. */
export interface Lint {
  readonly code: DiagnosticCode;
  readonly message: string;
  readonly span: Span;
  readonly related: RelatedLocation[];
}

const CLUSTER_ENABLE_WINDOW_SECONDS = 60;
const CONNTRACK_MAX_FLOOR = 262144;

function duplicateOptions(config: FwConfig, out: Lint[]): void {
  const seen = new Map<string, Span>();
  for (const line of config.tree.lines) {
    if (line.kind !== 'option' || line.key === undefined) continue;
    const earlier = seen.get(line.key);
    const span = line.keyToken!.span;
    if (earlier) {
      out.push({
        code: 'duplicate-option',
        message: `option '${line.key}' is set again; this later value silently wins`,
        span,
        related: [{ span: earlier, message: 'earlier value' }],
      });
    }
    seen.set(line.key, span);
  }
}

function duplicateDefinitions(config: FwConfig, out: Lint[]): void {
  const seen = new Map<string, Span>();
  for (const line of config.tree.lines) {
    if (line.kind !== 'header' || line.name === undefined || line.error) continue;
    const key = `${line.section}:${line.name}`;
    const earlier = seen.get(key);
    const span = line.nameToken!.span;
    if (earlier) {
      const what = line.section === 'ipset' ? 'ipset' : 'group';
      out.push({
        code: 'duplicate-definition',
        message: `${what} '${line.name}' is defined again; this definition silently replaces the earlier one`,
        span,
        related: [{ span: earlier, message: 'replaced definition' }],
      });
    }
    seen.set(key, span);
  }
}

function aliasNames(config: FwConfig, out: Lint[]): void {
  const seen = new Map<string, Span>();
  for (const line of config.tree.lines) {
    if (line.kind !== 'alias' || !line.nameToken || line.error) continue;
    const { text, span } = line.nameToken;
    if (!NAME_PATTERN.test(text)) {
      out.push({
        code: 'unreferenceable-alias',
        message: `alias '${text}' can never be referenced: a reference must be a letter followed by at least one letter, digit, '-' or '_'`,
        span,
        related: [],
      });
    }
    const key = asciiLower(text);
    const earlier = seen.get(key);
    if (earlier) {
      out.push({
        code: 'duplicate-alias',
        message: `alias '${text}' is defined again (alias names ignore case); this definition silently wins`,
        span,
        related: [{ span: earlier, message: 'earlier definition' }],
      });
    }
    seen.set(key, span);
  }
}

function repeatedRuleOptions(config: FwConfig, out: Lint[]): void {
  for (const line of config.tree.lines) {
    if (line.kind !== 'rule' || line.rule.error) continue;
    for (const earlier of line.rule.repeated) {
      out.push({
        code: 'repeated-rule-option',
        message: `'${earlier.flag.text} ${earlier.value.text}' is overridden by a later ${earlier.flag.text} in the same rule`,
        span: { start: earlier.flag.span.start, end: earlier.value.span.end },
        related: [],
      });
    }
  }
}

function optionValues(config: FwConfig, nowSeconds: number, out: Lint[]): void {
  const enable = config.options.get('enable');
  if (config.kind === 'cluster' && enable && enable.line.valueToken) {
    const written = Number(enable.line.valueToken.text);
    if (written > 1) {
      const stale = nowSeconds - written > CLUSTER_ENABLE_WINDOW_SECONDS;
      out.push({
        code: 'cluster-enable-timestamp',
        message: stale
          ? `enable: ${written} is a time stamp more than 60 seconds old, so Proxmox reads it as 0: the firewall is off`
          : `enable: ${written} is a time stamp: the firewall is on only until 60 seconds after it, then off`,
        span: enable.line.valueToken.span,
        related: [],
      });
    }
  }
  const max = config.options.get('nf_conntrack_max');
  if (config.kind === 'host' && max && Number(max.value) < CONNTRACK_MAX_FLOOR) {
    out.push({
      code: 'option-without-effect',
      message: `nf_conntrack_max below ${CONNTRACK_MAX_FLOOR} is ignored by pve-firewall`,
      span: max.line.valueToken!.span,
      related: [],
    });
  }
  const limit = config.options.get('protection_limit');
  if (config.kind === 'host' && limit) {
    out.push({
      code: 'option-without-effect',
      message: 'protection_limit is accepted but has no effect (pve-firewall reads another key)',
      span: limit.line.keyToken!.span,
      related: [],
    });
  }
}

/** Our own findings on lines Proxmox accepts. */
export function lintConfig(config: FwConfig, nowSeconds: number): Lint[] {
  const out: Lint[] = [];
  duplicateOptions(config, out);
  duplicateDefinitions(config, out);
  aliasNames(config, out);
  repeatedRuleOptions(config, out);
  optionValues(config, nowSeconds, out);
  mergeConflicts(config, out);
  return out;
}
