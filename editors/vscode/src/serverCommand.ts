// Which binary the extension runs; kept apart from the `vscode` API so plain Node can test it.
import * as os from 'os';
import * as path from 'path';

/** `leaklint.path` with `~` and `${workspaceFolder}` expanded; `leaklint` (found on PATH) when empty. */
export function serverCommand(configured: string, workspaceFolder: string | undefined): string {
  let command = configured.trim();
  if (command === '') {
    return 'leaklint';
  }
  if (command === '~' || command.startsWith('~/')) {
    command = path.join(os.homedir(), command.slice(1));
  }
  if (workspaceFolder !== undefined) {
    command = command.split('${workspaceFolder}').join(workspaceFolder);
  }
  return command;
}
