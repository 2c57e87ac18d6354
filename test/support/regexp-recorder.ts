// Records every regular expression the programs build with `new RegExp(…)` (or `RegExp(…)`),
// with the file that built it, so a test can lint the patterns ESLint cannot see: those assembled
// from shared pieces at run time. Import it before anything else in the test file.
import { sep } from 'node:path';

export interface BuiltPattern {
  readonly source: string;
  readonly flags: string;
  /** The compiled file (below out/server/src or out/client/src) that built it, with the line. */
  readonly where: string;
}

export const builtPatterns: BuiltPattern[] = [];

const OWN_CODE = `${sep}out${sep}server${sep}src${sep}`;

function builder(): string | undefined {
  const stack = new Error().stack?.split('\n') ?? [];
  const frame = stack.find((line) => line.includes(OWN_CODE));
  return frame?.slice(frame.indexOf(OWN_CODE) + OWN_CODE.length).replace(/\)$/, '');
}

function record(made: RegExp): RegExp {
  const where = builder();
  if (where !== undefined) builtPatterns.push({ source: made.source, flags: made.flags, where });
  return made;
}

type Args = [string | RegExp, string?];
const Original = RegExp;
globalThis.RegExp = new Proxy(Original, {
  construct: (target, args: Args, newTarget) =>
    record(Reflect.construct<Args, RegExp>(target, args, newTarget as RegExpConstructor)),
  apply: (target, self, args: Args) =>
    record(Reflect.apply<unknown, Args, RegExp>(target, self, args)),
});
