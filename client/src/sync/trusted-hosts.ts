// The hosts this user agreed to send their API token to, in VS Code's per-user storage
// (globalState), never in the workspace: a cloned repository's .pvefw.json can name a host, but
// only the user can trust it (issue 15).
import type { Memento } from 'vscode';
import {
  trustedHostsFrom,
  type TrustedHost,
  type TrustedHosts,
} from '../../../server/src/cluster/trusted-hosts';

const KEY = 'pvefw.trustedHosts';

export class EditorTrustedHosts implements TrustedHosts {
  constructor(private readonly state: Memento) {}

  get(baseUrl: string): TrustedHost | undefined {
    return trustedHostsFrom(this.state.get(KEY))[baseUrl];
  }

  set(baseUrl: string, host: TrustedHost): Thenable<void> {
    return this.state.update(KEY, { ...trustedHostsFrom(this.state.get(KEY)), [baseUrl]: host });
  }
}
