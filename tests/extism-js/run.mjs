// Runs one function of an Extism plugin in the JavaScript Extism SDK (@extism/extism on Node.js):
// a host implementation independent of medplug's (its kernel is written in JavaScript and the
// module runs in V8, not wasmtime). Used by the conformance suite to prove that medplug plugins
// are standard Extism plugins.
//
//   node run.mjs PLUGIN.wasm FUNCTION < input
//
// Prints the output on stdout; on a plugin error prints the error on stderr and exits 1.
import { readFile } from "node:fs/promises";
import createPlugin from "@extism/extism";

const [wasmPath, functionName] = process.argv.slice(2);
if (!wasmPath || !functionName) {
  console.error("usage: node run.mjs PLUGIN.wasm FUNCTION < input");
  process.exit(2);
}
const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
// A fresh Uint8Array: a pooled Buffer has a byteOffset the SDK does not honour.
const input = new Uint8Array(Buffer.concat(chunks));

const plugin = await createPlugin(
  { wasm: [{ data: await readFile(wasmPath) }] },
  { useWasi: false, runInWorker: false },
);
try {
  const output = await plugin.call(functionName, input);
  process.stdout.write(output ? output.text() : "");
} catch (error) {
  process.stderr.write(String(error?.message ?? error));
  process.exitCode = 1;
} finally {
  await plugin.close();
}
