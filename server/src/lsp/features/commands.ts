// workspace/executeCommand: the one handler the protocol allows, dispatching by command name to
// the server's commands (normalise, explain). The capabilities announce exactly these names.
import { handler } from './context';
import type { FeatureContext } from './context';

export type CommandHandler = (args: readonly unknown[]) => unknown;

export function registerCommands(
  ctx: FeatureContext,
  commands: ReadonlyMap<string, CommandHandler>,
): void {
  ctx.connection.onExecuteCommand(
    handler(
      ctx,
      'workspace/executeCommand',
      (): unknown => null,
      (params) => commands.get(params.command)?.(params.arguments ?? []) ?? null,
    ),
  );
}
