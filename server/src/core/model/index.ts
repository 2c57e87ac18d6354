// The model layer's entry point: files loaded as Proxmox's loader does, and the cluster model every
// door builds.
export { ALIAS_REF, IPSET_NAME_REF } from './address-list';
export {
  folderOf,
  groupByCluster,
  hostNodeFromPath,
  layoutRootOf,
  topologyCandidates,
  type ClusterGroup,
  type GroupedFiles,
} from './cluster-layout';
export {
  buildClusterModel,
  loadSource,
  modelFiles,
  nodesReading,
  parseBackendName,
  type ClusterFile,
  type ClusterGuest,
  type ClusterModel,
  type ClusterNode,
  type ClusterSources,
  type ClusterVnet,
  type FileLoader,
  type FirewallBackend,
  type ModelSource,
  type TopologySource,
} from './cluster-model';
export { clusterModelOfTexts, clusterSourcesOf, type SourcesOfPaths } from './cluster-sources';
export {
  clusterFileCandidates,
  FILE_KINDS,
  fileKindFromPath,
  fileStem,
  isFileKind,
  type FileKind,
} from './file-kind';
export type { FwConfig, IpSetDef, IpSetEntry, OptionDef, RuleDef } from './fw-config';
export { isSdnSetName, loadFwConfig, type LineVerdict, type LoadResult } from './load-config';
export { findMacro, macroTemplates } from './macros';
export {
  indexNames,
  nameAt,
  type FileNames,
  type NameDef,
  type NameKind,
  type NameRef,
} from './name-index';
export {
  ICMP_NAMES,
  ICMPV6_NAMES,
  isIcmpProtocol,
  portListError,
  PROTOCOLS_WITH_PORTS,
  SERVICE_BY_NAME,
} from './ports';
export {
  proxmoxRule,
  toProxmoxConf,
  type ProxmoxAlias,
  type ProxmoxConf,
  type ProxmoxIpSetEntry,
  type ProxmoxRule,
} from './proxmox-conf';
export { ProxmoxDies } from './proxmox-dies';
export { isGroupName, isIpSetName, isNodeName, isVmid, isVnetId } from './proxmox-ids';
export { writtenComment } from './proxmox-stored';
export { PROXMOX_TEST_TOPOLOGY } from './proxmox-test-topology';
export { readTopology, TopologyError } from './read-topology';
export {
  ipv4Network,
  type Topology,
  type TopologyGuest,
  type TopologyNic,
  type TopologyNode,
} from './topology';
export { verifyRule, type ParseTimeNames, type RuleEnv } from './verify-rule';
export { RuleJudgements } from './verify-rule-memo';
