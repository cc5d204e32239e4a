// Prints {"<file>": <HCL as JSON>, ...} for every *.tf file under the directories given as arguments.
// Expressions stay as "${...}" strings; blocks become lists of objects (github.com/tmccombs/hcl2json semantics).
import { parse } from '@cdktf/hcl2json';
import fs from 'node:fs';
import path from 'node:path';

function tfFiles(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name.startsWith('.') ? [] : tfFiles(full);
    return entry.name.endsWith('.tf') ? [full] : [];
  });
}

const result = {};
for (const root of process.argv.slice(2)) {
  for (const file of tfFiles(root).sort()) {
    result[file] = await parse(file, fs.readFileSync(file, 'utf8'));
  }
}
process.stdout.write(JSON.stringify(result));
