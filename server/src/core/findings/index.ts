// The findings layer's entry point: what a finding is and the table of diagnostic codes.
export { DIAGNOSTIC_CODES, isDiagnosticCode, type CodeInfo, type DiagnosticCode } from './codes';
export {
  findingText,
  type Finding,
  type ProxmoxVerdict,
  type RelatedLocation,
  type Severity,
} from './finding';
