// Checks that a script is plain ES5 (what WeChat and old Android WebViews run) by parsing it
// with acorn at ecmaVersion 5, and reports its size. Usage: node es5.mjs FILE
import { readFileSync } from 'node:fs';
import { parse } from 'acorn';
import { report } from './lib.mjs';

const source = readFileSync(process.argv[2]);
let error = null;
try {
  parse(source.toString('utf8'), { ecmaVersion: 5 });
} catch (e) {
  error = e.message;
}
report({ bytes: source.length, error });
