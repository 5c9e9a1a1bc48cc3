// Starts `leaklint lsp` and connects VS Code to it. All analysis, fixes and
// configuration handling live in the server; this file only finds the binary.
import * as vscode from 'vscode';
import { LanguageClient, LanguageClientOptions, ServerOptions, TransportKind } from 'vscode-languageclient/node';

import { serverCommand } from './serverCommand';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  context.subscriptions.push(
    vscode.commands.registerCommand('leaklint.restart', restart),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('leaklint.path')) {
        void restart();
      }
    }),
  );
  await start();
}

export async function deactivate(): Promise<void> {
  await stop();
}

async function start(): Promise<void> {
  const configured = vscode.workspace.getConfiguration('leaklint').get<string>('path', '');
  const command = serverCommand(configured, vscode.workspace.workspaceFolders?.[0]?.uri.fsPath);
  // TransportKind.stdio makes the client append `--stdio`, which `leaklint lsp` accepts.
  const serverOptions: ServerOptions = { command, args: ['lsp'], transport: TransportKind.stdio };
  const languages = ['javascript', 'javascriptreact', 'typescript', 'typescriptreact'];
  const clientOptions: LanguageClientOptions = {
    documentSelector: languages.flatMap((language) => [
      { scheme: 'file', language },
      { scheme: 'untitled', language },
    ]),
    synchronize: {
      // Sent as workspace/didChangeWatchedFiles and workspace/didChangeConfiguration; the server re-reads its configuration.
      fileEvents: vscode.workspace.createFileSystemWatcher('**/.leaklintrc.json'),
      configurationSection: 'leaklint',
    },
  };
  client = new LanguageClient('leaklint', 'leaklint', serverOptions, clientOptions);
  try {
    await client.start();
  } catch (error) {
    client = undefined;
    const message = error instanceof Error ? error.message : String(error);
    void vscode.window.showErrorMessage(
      `leaklint: cannot start \`${command} lsp\` (${message}). Install leaklint or set "leaklint.path" to the binary.`,
    );
  }
}

async function stop(): Promise<void> {
  const running = client;
  client = undefined;
  if (running !== undefined) {
    await running.stop();
  }
}

async function restart(): Promise<void> {
  await stop();
  await start();
}
