import { equals, type IntervalSet } from './intervals';
import { convertRule, type ConvertedRule, type InterfaceNames, type SetLookup } from './ipt-to-box';
import type { Family } from './packet-space';

interface Cached {
  readonly converted: ConvertedRule;
  /** The sets the rule names and what they held when it was read. */
  readonly sets: readonly (readonly [string, IntervalSet | undefined])[];
}

function sameSet(a: IntervalSet | undefined, b: IntervalSet | undefined): boolean {
  return a === b || (a !== undefined && b !== undefined && equals(a, b));
}

/**
 * Compiled rules read into boxes, kept from one analysis to the next: after an edit almost
 * every rule's text is the same. An entry holds while the interface numbering is the same and
 * the sets it names hold the same addresses; entries not used by an analysis are dropped.
 */
export class ConversionCache {
  private namesKey = '';
  private entries = new Map<string, Cached>();
  private used = new Map<string, Cached>();

  constructor(readonly family: Family) {}

  /** Starts an analysis that numbers interfaces as `names` does. */
  begin(names: InterfaceNames): void {
    const key = names.key();
    if (key !== this.namesKey) this.entries.clear();
    this.namesKey = key;
    this.used = new Map();
  }

  convert(text: string, names: InterfaceNames, sets: SetLookup): ConvertedRule {
    const hit = this.used.get(text) ?? this.entries.get(text);
    if (hit && hit.sets.every(([name, members]) => sameSet(sets(name), members))) {
      this.used.set(text, hit);
      return hit.converted;
    }
    const named: [string, IntervalSet | undefined][] = [];
    const converted = convertRule(text, this.family, names, (name) => {
      const members = sets(name);
      named.push([name, members]);
      return members;
    });
    this.used.set(text, { converted, sets: named });
    return converted;
  }

  /** Ends an analysis: only what it used is kept for the next. */
  end(): void {
    this.entries = this.used;
    this.used = new Map();
  }
}
