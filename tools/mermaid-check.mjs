// Parses every ```mermaid block of the Markdown files named on the command line with
// Mermaid's own parser (the one the mermaid CLI and the browsers use), under jsdom so that
// no browser is needed. Prints "file: block N: <error>" for each block that does not parse
// and exits 1 then; prints the number of blocks checked and exits 0 otherwise.
import { readFileSync } from 'node:fs';
import { JSDOM } from 'jsdom';

const dom = new JSDOM('<!doctype html><html><body></body></html>');
globalThis.window = dom.window;
globalThis.document = dom.window.document;
for (const name of ['Element', 'HTMLElement', 'SVGElement', 'DOMParser', 'MutationObserver']) {
    if (!(name in globalThis)) {
        globalThis[name] = dom.window[name];
    }
}
const { default: mermaid } = await import('mermaid');
mermaid.initialize({ startOnLoad: false });

let checked = 0;
let failed = 0;
for (const file of process.argv.slice(2)) {
    const text = readFileSync(file, 'utf8');
    const blocks = [...text.matchAll(/^```mermaid\n([\s\S]*?)^```$/gm)].map((m) => m[1]);
    for (const [i, block] of blocks.entries()) {
        checked += 1;
        try {
            await mermaid.parse(block);
        } catch (e) {
            failed += 1;
            console.log(`${file}: block ${i + 1}: ${String(e.message ?? e).split('\n').join(' ')}`);
        }
    }
}
console.log(`${checked} mermaid blocks checked, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
