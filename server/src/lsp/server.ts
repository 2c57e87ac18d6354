// Wires the language server's parts to a connection. Knows no transport and no feature logic.
import { DidChangeWatchedFilesNotification } from 'vscode-languageserver/node';
import type { Connection, InitializeResult } from 'vscode-languageserver/node';
import { clientSupport, initialFolders, serverCapabilities } from './capabilities';
import type { ClientSupport } from './capabilities';
import { WorkspaceClusters } from './clusters';
import { DiagnosticsService } from './diagnostics';
import { DiskFiles } from './disk-files';
import { Analyzer, type FileFindings } from './file-analysis';
import { background, consoleLogger, guarded } from './guard';
import type { Logger } from './guard';
import { WorkspaceState } from './workspace-state';
import { WorkspaceSnapshots } from './snapshot';
import type { FeatureContext } from './features/context';
import { registerCodeActions } from './features/code-actions';
import { registerCompletion } from './features/completion';
import { registerDefinition } from './features/definition';
import { registerFolding } from './features/folding';
import { registerFormatting } from './features/formatting';
import { registerHighlights } from './features/highlights';
import { registerHover } from './features/hover';
import { NORMALISE_COMMAND, normaliseCommand } from './features/normalise';
import { registerCommands, type CommandHandler } from './features/commands';
import { EXPLAIN_COMMAND, explainCommand } from './features/explain';
import { REPORT_COMMAND, reportCommand } from './features/report';
import { registerReferences } from './features/references';
import { registerRename } from './features/rename';
import { registerSemanticTokens } from './features/semantic-tokens';
import { ServerSettings, watchSettings } from './features/settings';
import { registerSymbols } from './features/symbols';
import { ReachabilityService } from './cluster-analysis';

interface Services {
  readonly support: ClientSupport;
  readonly folders: readonly string[];
  readonly disk: DiskFiles;
  readonly state: WorkspaceState;
  readonly settingsReady: () => void;
  readonly diagnostics: DiagnosticsService;
}

function registerEditorFeatures(
  ctx: FeatureContext,
  analyzer: Analyzer,
  support: ClientSupport,
  reachability: ReachabilityService,
  workspace: { readonly state: WorkspaceState; readonly clusters: WorkspaceClusters },
): void {
  registerCompletion(ctx);
  registerHover(ctx, [reachability.hoverProvider]);
  registerDefinition(ctx);
  registerReferences(ctx);
  registerHighlights(ctx);
  registerRename(ctx);
  registerSymbols(ctx);
  registerFolding(ctx);
  registerSemanticTokens(ctx);
  registerFormatting(ctx);
  registerCodeActions(ctx, (key) => analyzer.analyse(key)?.findings ?? []);
  registerCommands(
    ctx,
    new Map<string, CommandHandler>([
      [NORMALISE_COMMAND, normaliseCommand(ctx, support.applyEdit)],
      [EXPLAIN_COMMAND, (args) => explainCommand(workspace.state, workspace.clusters, args)],
      [REPORT_COMMAND, (args) => reportCommand(workspace.state, workspace.clusters, args)],
    ]),
  );
}

export function startServer(connection: Connection): Logger {
  const log = consoleLogger(connection.console);
  let services: Services | undefined;

  connection.onInitialize(
    guarded(
      log,
      'initialize',
      (): InitializeResult => ({ capabilities: {} }),
      (params): InitializeResult => {
        const support = clientSupport(params);
        const disk = new DiskFiles(log, support.watchedFilesRegistration);
        const state = new WorkspaceState(disk);
        const settings = new ServerSettings(params.initializationOptions);
        const clusters = new WorkspaceClusters(state);
        const snapshots = new WorkspaceSnapshots(state, clusters);
        // Reachability results arrive in the background; they invalidate what was shown. A change
        // of `overlapHints` changes each cluster's fingerprint: the next check analyses it again.
        const reachability = new ReachabilityService(
          state,
          clusters,
          snapshots,
          log,
          (keys) => {
            for (const key of keys) analyzer.forget(key);
            diagnostics.recheck(keys);
          },
          { overlapHints: () => settings.overlapHints, backend: () => settings.backend },
        );
        reachability.listen();
        const check = (file: { key: string }): FileFindings => ({
          text: snapshots.findings(file.key),
          analysis: () => reachability.findings(file.key),
        });
        const analyzer = new Analyzer(state, clusters, check, settings);
        const diagnostics = new DiagnosticsService(
          connection,
          state,
          clusters,
          analyzer,
          support,
          log,
          settings.describe,
        );
        diagnostics.listen();
        const watch = watchSettings(connection, settings, support, log, () =>
          diagnostics.recheckAll(),
        );
        registerEditorFeatures(
          { connection, snapshots, settings, log },
          analyzer,
          support,
          reachability,
          { state, clusters },
        );
        state.documents.listen(connection);
        services = {
          support,
          folders: initialFolders(params),
          disk,
          state,
          settingsReady: () => watch.initialized(),
          diagnostics,
        };
        return { capabilities: serverCapabilities(support), serverInfo: { name: 'pvefw' } };
      },
    ),
  );

  connection.onInitialized(
    guarded(
      log,
      'initialized',
      () => undefined,
      () => {
        if (services === undefined) return;
        const { support, folders, disk, state } = services;
        services.settingsReady();
        services.diagnostics.registerProviders();
        log.info(
          `pvefw: diagnostics are ${support.pullDiagnostics ? 'pulled by the client' : 'pushed by the server'}`,
        );
        if (support.watchedFilesRegistration) {
          const watchers = [{ globPattern: '**/*.fw' }, { globPattern: '**/topology.json' }];
          background(
            log,
            'register file watcher',
            connection.client.register(DidChangeWatchedFilesNotification.type, { watchers }),
          );
        }
        for (const folder of folders)
          background(log, `scan ${folder}`, disk.addFolder(state, folder));
        if (support.workspaceFolderChanges) {
          connection.workspace.onDidChangeWorkspaceFolders(
            guarded(
              log,
              'workspace/didChangeWorkspaceFolders',
              () => undefined,
              ({ added, removed }) => {
                for (const folder of removed) disk.removeFolder(state, folder.uri);
                for (const folder of added)
                  background(log, `scan ${folder.uri}`, disk.addFolder(state, folder.uri));
              },
            ),
          );
        }
      },
    ),
  );

  connection.onDidChangeWatchedFiles(
    guarded(
      log,
      'workspace/didChangeWatchedFiles',
      () => undefined,
      ({ changes }) => {
        if (services === undefined) return;
        background(log, 'read changed files', services.disk.applyEvents(services.state, changes));
      },
    ),
  );

  return log;
}
