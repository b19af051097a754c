// For front-end work only: serves the built assets from
// crates/server/assets and forwards /api/ to a running `passerelle serve`,
// so a change needs `npm run build` and a reload, not a new binary.
//   PASSERELLE_URL=http://127.0.0.1:8080 node dev.mjs [port]
import http from "node:http";
import { readFile } from "node:fs/promises";

const upstream = new URL(process.env.PASSERELLE_URL ?? "http://127.0.0.1:8080");
const assets = new URL("../crates/server/assets/", import.meta.url);
const types = { "/": "text/html", "/app.js": "text/javascript", "/app.css": "text/css" };
const port = Number(process.argv[2] ?? 5173);

http
  .createServer(async (req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    if (path in types) {
      const file = path === "/" ? "index.html" : path.slice(1);
      res.writeHead(200, { "content-type": types[path], "cache-control": "no-cache" });
      res.end(await readFile(new URL(file, assets)));
      return;
    }
    const forwarded = http.request(
      { host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forwarded.on("error", () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(forwarded);
  })
  .listen(port, "127.0.0.1", () => console.log(`http://127.0.0.1:${port}/ → ${upstream.origin}`));
