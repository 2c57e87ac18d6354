// The explain layer's entry point: a firewall log line back to the rule that decided it.
export { explainLogLines, explainLogLinesIn } from './explain';
export { explanationSummary, explanationText } from './format';
