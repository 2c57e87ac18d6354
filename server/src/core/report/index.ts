// The report layer's entry point: who reaches which service, and its formats.
export { exposureHtml, exposureMarkdown, exposureText } from './exposure-format';
export { exposureReport } from './exposure';
