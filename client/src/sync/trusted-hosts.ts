// The hosts this user agreed to send their API token to, with their pinned certificates: the
// same file the pvefw command keeps ($XDG_CONFIG_HOME/pvefw/trusted-hosts.json, else
// ~/.config/pvefw/trusted-hosts.json), never the workspace. A cloned repository's .pvefw.json can
// name a host, but only the user can trust it (issue 15), from the editor or the terminal alike.
import { FileTrustedHosts, userTrustFile } from '../../../server/src/cluster/trusted-hosts';

export function userTrustedHosts(): FileTrustedHosts {
  return new FileTrustedHosts(userTrustFile(process.env));
}
