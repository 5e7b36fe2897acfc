// Reads an Atom or RSS feed with node-feedparser, an independent reader, and prints what a feed
// reader would show as JSON. Used by Convene's news feed tests.
import { createReadStream } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const FeedParser = require(process.env.FEEDPARSER_DIR || "feedparser");

const parser = new FeedParser({ strict: true });
const items = [];
let meta = null;
parser.on("error", (err) => {
  process.stderr.write(String(err) + "\n");
  process.exit(1);
});
parser.on("meta", (m) => { meta = m; });
parser.on("readable", function () {
  let item;
  while ((item = this.read())) {
    items.push({
      id: item.guid,
      title: item.title,
      link: item.link,
      summary: item.summary,
      published: item.pubdate ? item.pubdate.toISOString() : null,
      updated: item.date ? item.date.toISOString() : null,
    });
  }
});
parser.on("end", () => {
  process.stdout.write(JSON.stringify({
    title: meta.title,
    language: meta.language,
    link: meta.link,
    updated: meta.date ? meta.date.toISOString() : null,
    entries: items,
  }));
});
createReadStream(process.argv[2]).pipe(parser);
