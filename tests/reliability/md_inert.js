// md_inert.js MARKDOWN_IT_DIR FILE...: renders each Markdown file with markdown-it as a
// permissive viewer would (raw HTML allowed, bare URLs linked) and fails when the result holds
// an element that user data could have made: a link, an image, or any tag besides those the
// tables, headings, lists, code and charts of opsctl's own Markdown produce.
const fs = require("fs");
const path = require("path");
const MarkdownIt = require(path.resolve(process.argv[2]));
const md = new MarkdownIt({ html: true, linkify: false });
const allowed = new Set(["h1", "h2", "h3", "h4", "p", "table", "thead", "tbody", "tr", "th", "td", "br",
                         "ul", "ol", "li", "em", "strong", "code", "pre", "hr", "blockquote"]);
let bad = 0;
for (const file of process.argv.slice(3)) {
    const html = md.render(fs.readFileSync(file, "utf8"));
    for (const m of html.matchAll(/<\/?([a-zA-Z][a-zA-Z0-9-]*)/g)) {
        if (!allowed.has(m[1].toLowerCase())) {
            const at = m.index;
            console.error(`${file}: <${m[1]}> in the rendered HTML: ${html.slice(Math.max(0, at - 60), at + 60)}`);
            bad++;
        }
    }
}
process.exit(bad ? 1 : 0);
