// Prisme's benchmark contract. Runs the app's worker pipeline (worker_loader.js, written by
// xtask's bundler next to this file) on a CSV fetched from `csvUrl`, and reports timings and cells.
(function () {
  "use strict";

  function waitFor(worker, job) {
    return new Promise(function (resolve, reject) {
      worker.onmessage = function (ev) {
        // {type, job, json}: the message is the JSON text {"<type>": {…}} (app/src/protocol.rs).
        var head = ev.data;
        var body = function () { return JSON.parse(head.json)[head.type]; };
        if (head.type === "ready" && job === null) resolve(body());
        else if ((head.type === "done" || head.type === "analyzed") && head.job === job) resolve(body());
        else if (head.type === "error" && (head.job === job || job === null)) reject(new Error(body().message));
      };
      worker.onerror = function (ev) {
        ev.preventDefault();
        reject(new Error("worker crashed: " + (ev.message || "unknown error")));
      };
    });
  }

  // Hands the response over to the worker. mode "stream" (the default, what the app does with a
  // dropped file): the body as a stream, read and parsed chunk by chunk while it arrives, so
  // fetch_ms is the time to the response's headers and ingest_ms includes the transfer.
  // mode "bytes": the whole body first (fetch_ms), then the buffer.
  // mode "blob": the whole body as a Blob first (fetch_ms), streamed by the worker like a
  // dropped file.
  async function send(worker, msg, resp, mode) {
    if (mode === "blob") {
      // A Blob, as a dropped File is: the worker streams it (Blob.stream()).
      var blob = await resp.blob();
      var tb = performance.now();
      msg.source = blob;
      worker.postMessage(msg);
      return tb;
    }
    if (mode === "bytes") {
      var bytes = await resp.arrayBuffer();
      var t = performance.now();
      msg.bytes = bytes;
      worker.postMessage(msg, [bytes]);
      return t;
    }
    var total = Number(resp.headers.get("content-length") || 0);
    msg.source = { stream: resp.body, total: total };
    var t2 = performance.now();
    worker.postMessage(msg, [resp.body]);
    return t2;
  }

  async function benchRun(opts) {
    var csvUrl = opts && opts.csvUrl;
    if (!csvUrl) throw new Error("benchRun needs {csvUrl}");
    var t0 = performance.now();
    var worker = new Worker("worker_loader.js");
    try {
      var ready = await waitFor(worker, null);
      var t1 = performance.now();
      var resp = await fetch(csvUrl);
      if (!resp.ok) throw new Error("fetch " + csvUrl + ": HTTP " + resp.status);
      var name = csvUrl.split("/").pop() || "data.csv";
      var msg = { type: "rfm", job: 1, name: name, locale: (opts.locale || "fr"), skipBadRows: !!opts.skipBadRows };
      var t2 = await send(worker, msg, resp, opts.mode);
      var done = waitFor(worker, 1);
      var result = await done;
      var t3 = performance.now();
      return {
        engine_version: ready.engine_version,
        timings: {
          init_ms: t1 - t0,
          fetch_ms: t2 - t1,
          ingest_ms: result.timings.ingest_ms,
          rfm_ms: result.timings.rfm_ms,
          total_ms: t3 - t0,
        },
        memory_bytes: result.memory_bytes,
        rows: result.summary.rows,
        customers: result.summary.customers,
        cells: result.summary.cells,
      };
    } finally {
      worker.terminate();
    }
  }

  // The whole analysis (RFM segments, clusters, CLV, churn, cohorts, indicators) in the same
  // worker: {engine_version, timings: {init_ms, fetch_ms, ingest_ms, analysis_ms, total_ms},
  // customers, memory_bytes, report} with the report document parsed.
  async function benchAnalyze(opts) {
    var csvUrl = opts && opts.csvUrl;
    if (!csvUrl) throw new Error("benchAnalyze needs {csvUrl}");
    var t0 = performance.now();
    var worker = new Worker("worker_loader.js");
    try {
      var ready = await waitFor(worker, null);
      var t1 = performance.now();
      var resp = await fetch(csvUrl);
      if (!resp.ok) throw new Error("fetch " + csvUrl + ": HTTP " + resp.status);
      var name = csvUrl.split("/").pop() || "data.csv";
      // pool: false keeps the whole analysis in one worker (the pool's A/B).
      var msg = { type: "analyze", job: 1, name: name, locale: (opts.locale || "fr"), skipBadRows: !!opts.skipBadRows, pool: opts.pool !== false };
      var t2 = await send(worker, msg, resp, opts.mode);
      var done = waitFor(worker, 1);
      var result = await done;
      var t3 = performance.now();
      return {
        engine_version: ready.engine_version,
        timings: {
          init_ms: t1 - t0,
          fetch_ms: t2 - t1,
          ingest_ms: result.timings.ingest_ms,
          analysis_ms: result.timings.analysis_ms,
          total_ms: t3 - t0,
        },
        // Helper workers that computed parts of the analysis side by side.
        helpers: result.timings.helpers,
        memory_bytes: result.memory_bytes,
        customers: result.customers,
        report: JSON.parse(result.report),
      };
    } finally {
      worker.terminate();
    }
  }

  window.benchRun = benchRun;
  window.benchAnalyze = benchAnalyze;
  window.benchReady = true;

  var button = document.getElementById("run");
  if (button) {
    button.addEventListener("click", async function () {
      var out = document.getElementById("out");
      out.textContent = "running…";
      try {
        var r = await benchRun({ csvUrl: document.getElementById("url").value });
        var shown = Object.assign({}, r, { cells: r.cells.length + " cells" });
        out.textContent = JSON.stringify(shown, null, 2);
      } catch (e) {
        out.textContent = String(e);
      }
    });
  }
})();
