// Maps a request path to its endpoint in the generated schema and to our handler. Paths are split
// on "/" with empty fragments skipped (RESTHandler.pm find_handler); below an ipset name the rest
// of the path is one fragment, so {cidr} keeps its slash (fragmentDelimiter '').
import type { FileRef } from './pve/conf';
import { API_ENDPOINTS } from './generated/api-schema';
import type { ApiMethod } from './schema-types';
import * as aliases from './handlers/aliases';
import type { Handler } from './handlers/context';
import * as groups from './handlers/groups';
import * as ipsets from './handlers/ipsets';
import * as misc from './handlers/misc';
import * as options from './handlers/options';
import * as rules from './handlers/rules';

const HANDLERS: Record<string, Handler> = {
  index: misc.index,
  get_macros: misc.macros,
  refs: misc.refs,
  log: misc.log,
  get_rules: rules.getRules,
  get_rule: rules.getRule,
  create_rule: rules.createRule,
  update_rule: rules.updateRule,
  delete_rule: rules.deleteRule,
  list_security_groups: groups.listGroups,
  create_security_group: groups.createGroup,
  delete_security_group: groups.deleteGroup,
  ipset_index: ipsets.ipsetIndex,
  create_ipset: ipsets.createIpset,
  delete_ipset: ipsets.deleteIpset,
  get_ipset: ipsets.getIpset,
  create_ip: ipsets.createIp,
  read_ip: ipsets.readIp,
  update_ip: ipsets.updateIp,
  remove_ip: ipsets.removeIp,
  get_aliases: aliases.getAliases,
  create_alias: aliases.createAlias,
  read_alias: aliases.readAlias,
  update_alias: aliases.updateAlias,
  remove_alias: aliases.removeAlias,
  get_options: options.getOptions,
  set_options: options.setOptions,
};

export interface RouteMatch {
  readonly method: ApiMethod;
  readonly handler: Handler;
  readonly uriParams: Record<string, string>;
  readonly ref: FileRef;
}

function matchTemplate(
  template: readonly string[],
  parts: readonly string[],
): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let i = 0; i < template.length; i++) {
    const segment = template[i]!;
    if (segment === '{cidr}') {
      if (i !== template.length - 1 || parts.length <= i) return undefined;
      params['cidr'] = parts.slice(i).join('/');
      return params;
    }
    const part = parts[i];
    if (part === undefined) return undefined;
    if (segment.startsWith('{')) params[segment.slice(1, -1)] = part;
    else if (segment !== part) return undefined;
  }
  return parts.length === template.length ? params : undefined;
}

function refOf(path: string, params: Record<string, string>): FileRef {
  if (path.startsWith('/cluster/sdn/')) return { kind: 'vnet', vnet: params['vnet']! };
  if (path.startsWith('/cluster/')) return { kind: 'cluster' };
  const guest = /^\/nodes\/\{node\}\/(qemu|lxc)\//.exec(path);
  if (guest)
    return {
      kind: 'guest',
      vmid: params['vmid']!,
      node: params['node']!,
      type: guest[1] as 'qemu' | 'lxc',
    };
  return { kind: 'host', node: params['node']! };
}

const TEMPLATES = API_ENDPOINTS.map((endpoint) => ({
  endpoint,
  segments: endpoint.path.split('/').filter((s) => s !== ''),
}));

/** The endpoint for `method` and the (decoded) path below /api2/json, or undefined (HTTP 501). */
export function findRoute(httpMethod: string, path: string): RouteMatch | undefined {
  const parts = path.split(/\/+/).filter((p) => p !== '');
  for (const { endpoint, segments } of TEMPLATES) {
    const uriParams = matchTemplate(segments, parts);
    if (!uriParams) continue;
    const method = endpoint.methods[httpMethod as keyof typeof endpoint.methods];
    if (!method) return undefined;
    const handler = HANDLERS[method.name];
    if (!handler) throw new Error(`the simulator has no handler for ${method.name}`);
    return { method, handler, uriParams, ref: refOf(endpoint.path, uriParams) };
  }
  return undefined;
}
