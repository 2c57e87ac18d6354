// The shape of the generated endpoint table (scripts/gen-api-schema.mjs).

export interface ParamSchema {
  readonly type?: 'string' | 'integer' | 'boolean' | 'number';
  readonly format?: string | Readonly<Record<string, ParamSchema>>;
  readonly optional?: 0 | 1;
  readonly enum?: readonly string[];
  readonly pattern?: string;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly default?: unknown;
  readonly default_key?: 0 | 1;
}

export type Permissions =
  | { readonly user: 'all'; readonly description?: string }
  | { readonly check: readonly [string, string, readonly string[]]; readonly description?: string }
  | { readonly description: string; readonly user?: 'all' };

export interface ApiMethod {
  readonly name: string;
  readonly properties: Readonly<Record<string, ParamSchema>>;
  readonly permissions?: Permissions;
  readonly protected?: boolean;
  readonly proxyto?: string;
  readonly returns: string;
}

export interface ApiEndpoint {
  readonly path: string;
  readonly methods: Readonly<Partial<Record<'GET' | 'POST' | 'PUT' | 'DELETE', ApiMethod>>>;
}
