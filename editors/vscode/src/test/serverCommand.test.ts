import * as assert from 'node:assert/strict';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';

import { serverCommand } from '../serverCommand';

test('an empty setting means leaklint on PATH', () => {
  assert.equal(serverCommand('', undefined), 'leaklint');
  assert.equal(serverCommand('   ', '/work'), 'leaklint');
});

test('a path is used as given, trimmed', () => {
  assert.equal(serverCommand(' /opt/leaklint/bin/leaklint ', '/work'), '/opt/leaklint/bin/leaklint');
});

test('a leading ~ is the home directory', () => {
  assert.equal(serverCommand('~/bin/leaklint', undefined), path.join(os.homedir(), 'bin/leaklint'));
  assert.equal(serverCommand('~other/leaklint', undefined), '~other/leaklint');
});

test('${workspaceFolder} is the first workspace folder, when there is one', () => {
  assert.equal(serverCommand('${workspaceFolder}/target/debug/leaklint', '/work/app'), '/work/app/target/debug/leaklint');
  assert.equal(serverCommand('${workspaceFolder}/leaklint', undefined), '${workspaceFolder}/leaklint');
});
