// The shape of the generated macro table (scripts/gen-api-schema.mjs, from shared/data).

/** One rule of a macro: literal values, or 'PARAM' (the same key of the user's rule). */
export type MacroRule = Readonly<Record<string, string>>;

export interface MacroTemplate {
  readonly name: string;
  /** Undefined where the source has no description. */
  readonly description?: string;
  /** 0 both families, 4 or 6 only that one. */
  readonly ipVersion: number;
  readonly rules: readonly MacroRule[];
  /** The IPv6 templates that replace `rules` for an IPv6 rule. */
  readonly ipv6Rules?: readonly MacroRule[];
}
