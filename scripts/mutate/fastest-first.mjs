// A Stryker test-runner plugin for `npm run mutate`: Stryker's tap runner, with each mutant's test
// files run fastest first. Stryker runs a mutant's covering test files in the order the initial
// run reported their coverage, and stops at the first that fails; the tap runner reports them in
// the order it found them on disk, so a mutant that a 0.3-second unit test kills could first wait
// for a 30-second end-to-end file. This runner reorders the initial run's results by duration, and
// with them the order of every later run. Options are the tap runner's (`tap` in the config).
import {
  commonTokens,
  declareFactoryPlugin,
  PluginKind,
  tokens,
} from '@stryker-mutator/api/plugin';
import { createTapTestRunnerFactory } from '@stryker-mutator/tap-runner';

class FastestFirstRunner {
  constructor(inner) {
    this.inner = inner;
  }

  capabilities() {
    return this.inner.capabilities();
  }

  init() {
    return this.inner.init();
  }

  async dryRun(options) {
    const result = await this.inner.dryRun(options);
    if (result.status !== 'complete' || !result.mutantCoverage) return result;
    const tests = [...result.tests].sort((a, b) => a.timeSpentMs - b.timeSpentMs);
    // Stryker keeps a mutant's tests in the order of these keys.
    const perTest = {};
    for (const test of tests) {
      const coverage = result.mutantCoverage.perTest[test.id];
      if (coverage) perTest[test.id] = coverage;
    }
    return { ...result, tests, mutantCoverage: { ...result.mutantCoverage, perTest } };
  }

  mutantRun(options) {
    return this.inner.mutantRun(options);
  }

  dispose() {
    return this.inner.dispose?.();
  }
}

function createFastestFirstRunner(injector) {
  return new FastestFirstRunner(createTapTestRunnerFactory()(injector));
}
createFastestFirstRunner.inject = tokens(commonTokens.injector);

export const strykerPlugins = [
  declareFactoryPlugin(PluginKind.TestRunner, 'tap-fastest-first', createFastestFirstRunner),
];
