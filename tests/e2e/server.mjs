// A static file server for the built app (dist/) plus a data directory, bound to 127.0.0.1.
import { createServer } from "node:http";
import { createReadStream, statSync } from "node:fs";
import { extname, join, normalize, resolve } from "node:path";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".csv": "text/csv; charset=utf-8",
  ".json": "application/json",
  ".png": "image/png",
};

/** Serves `root` at `mount` (`/`, or a sub-path like `/prisme/` as on GitHub Pages) and
 * `dataDir` at `/data/`. Resolves to {server, url}. */
export function serve(root, dataDir, port = 0, mount = "/") {
  const roots = { "/data/": resolve(dataDir ?? root), [mount]: resolve(root) };
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
    const prefix = path.startsWith("/data/") && dataDir ? "/data/" : mount;
    if (!path.startsWith(prefix)) {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
      return;
    }
    const base = roots[prefix];
    let file = normalize(join(base, path.slice(prefix.length)));
    if (!file.startsWith(base)) {
      res.writeHead(403).end();
      return;
    }
    try {
      // Path routes (/dashboard, /segments…): an address with no file and no extension is
      // the app's, as every static host is configured to answer (see docs/deploy.md).
      let st;
      try {
        st = statSync(file);
      } catch (e) {
        if (prefix === mount && extname(path) === "") {
          file = join(base, "index.html");
          st = statSync(file);
        } else {
          throw e;
        }
      }
      if (st.isDirectory()) file = join(file, "index.html");
      const size = statSync(file).size;
      res.writeHead(200, {
        "content-type": TYPES[extname(file)] ?? "application/octet-stream",
        "content-length": size,
        "cache-control": "no-store",
      });
      createReadStream(file).pipe(res);
    } catch {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
    }
  });
  return new Promise((ok) => {
    server.listen(port, "127.0.0.1", () => {
      ok({ server, url: `http://127.0.0.1:${server.address().port}` });
    });
  });
}

// `node server.mjs DIST [DATA] [PORT]` serves until killed.
if (import.meta.url === `file://${process.argv[1]}`) {
  const [dist = "dist", data, port = "8080"] = process.argv.slice(2);
  const { url } = await serve(dist, data, Number(port));
  console.log(`serving ${dist} on ${url}`);
}
