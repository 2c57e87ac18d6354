// The writer layer's entry point: the text Proxmox's save functions write.
export { formatRule } from './format-rule';
export { comparePerlStrings, perlSorted, perlSortedEntries } from './perl-sort';
export { formatProxmoxConf, writeFwConfig } from './write-fw';
export {
  aliasLine,
  entryLines,
  groupHeader,
  ipsetHeader,
  optionLine,
  optionOrder,
  ruleLines,
} from './write-fw';
