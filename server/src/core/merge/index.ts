// The merge layer's entry point: a firewall file merged three ways against the last pull.
export { mergeFile, type MergeConflict } from './merge-file';
