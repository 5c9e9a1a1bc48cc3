'use strict';
// Writes BASE, TARGET and FINAL snapshots of a process whose heap grows
// like a leaking server: request-like records with closures, strings and
// arrays, pushed to a module array between snapshots.
//   node --max-old-space-size=16384 gen.js OUT_DIR SIZE_MB
// SIZE_MB is the approximate size of each snapshot file.
const path = require('path');
const v8 = require('v8');

const [outDir, sizeArg] = process.argv.slice(2);
if (!outDir || !sizeArg) {
  console.error('usage: node gen.js OUT_DIR SIZE_MB');
  process.exit(2);
}
// About 400 bytes of snapshot file per record (5 nodes, their edges and names).
const records = Math.round((Number(sizeArg) * 1e6) / 400);

class Session {
  constructor(i) {
    this.id = i;
    this.user = `user-${i % 5000}`;
    this.tags = [i & 7, i & 15];
  }
}

const retained = [];
function grow(count) {
  for (let i = 0; i < count; i++) {
    const session = new Session(retained.length);
    retained.push(() => session.user);
  }
}

grow(Math.round(records * 0.9));
v8.writeHeapSnapshot(path.join(outDir, 'base.heapsnapshot'));
grow(Math.round(records * 0.05));
v8.writeHeapSnapshot(path.join(outDir, 'target.heapsnapshot'));
grow(Math.round(records * 0.05));
v8.writeHeapSnapshot(path.join(outDir, 'final.heapsnapshot'));
