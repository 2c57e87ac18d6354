// One API call of a push: what it does (typed), the exact request, and the digests around it.
import type { ProxmoxAlias, ProxmoxIpSetEntry, ProxmoxRule } from '../model';
import type { FwFileRef } from './fw-files';

export type RuleListName =
  { readonly list: 'rules' } | { readonly list: 'group'; readonly name: string };

export type Action =
  | { readonly type: 'rule-create'; readonly in: RuleListName; readonly rule: ProxmoxRule }
  | {
      readonly type: 'rule-move';
      readonly in: RuleListName;
      readonly pos: number;
      readonly moveto: number;
    }
  | {
      readonly type: 'rule-update';
      readonly in: RuleListName;
      readonly pos: number;
      readonly set: Readonly<Record<string, string | number>>;
      readonly delete: readonly string[];
    }
  | { readonly type: 'rule-delete'; readonly in: RuleListName; readonly pos: number }
  | { readonly type: 'entry-add'; readonly set: string; readonly entry: ProxmoxIpSetEntry }
  | { readonly type: 'entry-update'; readonly set: string; readonly entry: ProxmoxIpSetEntry }
  | { readonly type: 'entry-delete'; readonly set: string; readonly cidr: string }
  | { readonly type: 'ipset-create'; readonly name: string; readonly comment?: string }
  | { readonly type: 'ipset-comment'; readonly name: string; readonly comment: string }
  | { readonly type: 'ipset-delete'; readonly name: string }
  | { readonly type: 'group-create'; readonly name: string; readonly comment?: string }
  | { readonly type: 'group-comment'; readonly name: string; readonly comment: string }
  | { readonly type: 'group-delete'; readonly name: string }
  | { readonly type: 'alias-create'; readonly alias: ProxmoxAlias }
  | { readonly type: 'alias-update'; readonly alias: ProxmoxAlias }
  | { readonly type: 'alias-delete'; readonly name: string }
  | {
      readonly type: 'options-set';
      readonly set: Readonly<Record<string, string | number>>;
      readonly delete: readonly string[];
    };

export type Phase = 'prepare' | 'rules' | 'options' | 'remove';

export interface ApiRequest {
  readonly method: 'POST' | 'PUT' | 'DELETE';
  /** Below /api2/json; an ipset {cidr} keeps its "/" (the API reads the rest of the path). */
  readonly path: string;
  readonly params: Readonly<Record<string, string | number>>;
}

export interface Operation {
  /** Workspace path of the file the call changes. */
  readonly file: string;
  readonly ref: FwFileRef;
  readonly action: Action;
  readonly phase: Phase;
  readonly request: ApiRequest;
  /** listKey of the list whose digest the call is about. */
  readonly list: string;
  /**
   * Whether Proxmox compares the digest sent (PVE::Tools::assert_if_modified); some calls
   * accept it and ignore it.
   */
  readonly digestChecked: boolean;
  /** Predicted digest of `list` before the call: what is sent as `digest`. */
  readonly digestBefore: string;
  /** Predicted digest of `list` after the call, checked by the next call on the list. */
  readonly digestAfter: string;
  readonly summary: string;
}
