// Preloaded into every test file's process by scripts/run-tests.mjs (`--require`). A test file
// must end when its tests do; one that lingers is a bug, and the runner only says "cancelled"
// two minutes later. So once the file's last test is over, this waits LINGER_MS on an unref'd
// timer (it cannot itself keep the process alive); if the process is still there, it prints what
// holds it open (handles, pending requests, ref'd timers with the stack that created them) and
// fails the file with exit code 1. It reports a linger and fails on it; it never hides one.
import { after } from 'node:test';

const LINGER_MS = 15_000;

// Timers created through the global functions, with where they were made. Error objects format
// their stack lazily, so recording one per timer is cheap until a report reads it.
interface TrackedTimer {
  readonly timer: NodeJS.Timeout;
  readonly origin: Error;
}
const timers = new Set<TrackedTimer>();

function isLive(timer: NodeJS.Timeout): boolean {
  return !(timer as unknown as { _destroyed?: boolean })._destroyed && timer.hasRef();
}

function track(timer: NodeJS.Timeout): NodeJS.Timeout {
  if (timers.size >= 4096) for (const t of timers) if (!isLive(t.timer)) timers.delete(t);
  timers.add({ timer, origin: new Error('timer created') });
  return timer;
}

function describeHandle(handle: object): string {
  const h = handle as {
    pid?: number;
    spawnargs?: string[];
    remoteAddress?: string;
    remotePort?: number;
    address?: () => unknown;
    _handle?: { fd?: number };
  };
  const name = handle.constructor?.name ?? typeof handle;
  if (handle === process.stdout || handle === process.stderr || handle === process.stdin)
    return `${name}: this process's own stdio (does not hold it open)`;
  if (h.spawnargs) return `${name} pid ${h.pid}: ${h.spawnargs.join(' ')}`;
  if (h.remoteAddress) return `${name} to ${h.remoteAddress}:${h.remotePort}`;
  if (name === 'Server' && typeof h.address === 'function')
    return `${name} on ${JSON.stringify(h.address())}`;
  if (h._handle?.fd !== undefined && h._handle.fd >= 0) return `${name} fd ${h._handle.fd}`;
  return name;
}

function report(): string {
  const internals = process as unknown as {
    _getActiveHandles(): object[];
    _getActiveRequests(): object[];
  };
  const lines = [
    `linger-watch: ${process.argv[1]} is still running ${LINGER_MS} ms after its last test.`,
    `active resources: ${process.getActiveResourcesInfo().join(', ')}`,
  ];
  for (const handle of internals._getActiveHandles())
    lines.push(`handle: ${describeHandle(handle)}`);
  for (const request of internals._getActiveRequests())
    lines.push(`request: ${request.constructor?.name ?? typeof request}`);
  for (const { timer, origin } of timers)
    if (isLive(timer)) lines.push(`ref'd timer, created at:\n${origin.stack ?? ''}`);
  return lines.join('\n');
}

// Only in a test file's own process: the runner's parent process is preloaded too.
if (process.env.NODE_TEST_CONTEXT !== undefined) {
  const originalSetTimeout = globalThis.setTimeout;
  const originalSetInterval = globalThis.setInterval;
  globalThis.setTimeout = Object.assign(
    (...args: Parameters<typeof setTimeout>) => track(originalSetTimeout(...args)),
    originalSetTimeout,
  );
  globalThis.setInterval = Object.assign(
    (...args: Parameters<typeof setInterval>) => track(originalSetInterval(...args)),
    originalSetInterval,
  );
  after(() => {
    originalSetTimeout(() => {
      process.stderr.write(`${report()}\n`);
      process.exit(1);
    }, LINGER_MS).unref();
  });
}
