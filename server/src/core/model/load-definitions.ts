import { asciiLower, type AliasLine, type HeaderLine, type OptionLine } from '../syntax';
import type { LoadState } from './load-state';

/** A section header: an [IPSET] starts collecting entries, a [group] rules. */
export function loadHeader(state: LoadState, line: HeaderLine): void {
  if (line.error) {
    state.verdict(line, 'dropped', line.error.code, line.error.message, line.error.span);
    state.currentSet = undefined;
  } else if (line.section === 'ipset') {
    state.currentSet = { name: line.name!, header: line, entries: [] };
    state.config.ipsets.set(line.name!, state.currentSet);
    state.seenEntries = new Set();
  } else if (line.section === 'group') {
    state.config.groups.set(line.name!, { name: line.name!, header: line, rules: [] });
  }
}

/** An option: kept, dropped, or (a fatal one) the reason Proxmox ignores the whole file. */
export function loadOption(state: LoadState, line: OptionLine): void {
  if (line.error) {
    const { code, message, span } = line.error;
    if (line.fatal) {
      state.unloadable = true;
      state.verdict(line, 'file-ignored', code, message, span);
    } else {
      state.verdict(line, 'dropped', code, message, span);
    }
  } else {
    state.config.options.set(line.key!, { value: line.value!, line });
  }
}

/** An alias: defined from here on (by its lower-cased name), or dropped with Proxmox's message. */
export function loadAlias(state: LoadState, line: AliasLine): void {
  if (line.malformed) {
    const span = state.wholeLine(line);
    state.verdict(line, 'dropped', 'malformed-alias', 'alias line is not NAME ADDRESS', span);
  } else if (line.error) {
    state.verdict(line, 'dropped', line.error.code, line.error.message, line.error.span);
  } else {
    const key = asciiLower(line.nameToken!.text);
    state.config.aliases.set(key, { key, line, cidr: line.cidr!, ipversion: line.ipversion! });
  }
}
