/**
 * The floor: the least a gateway in Node can add. A bare pass-through proxy — a node:http server
 * and an undici Pool to one upstream — that copies request and response bytes without parsing them
 * (no JSON, no auth, no routing). What Astra adds over this is what its own work costs; what this
 * adds over going direct is the price of any extra hop through a Node process.
 *
 * Run as its own process (the bench bundles it to bench/results/floor-proxy.mjs):
 *   FLOOR_UPSTREAM=http://127.0.0.1:41234 PORT=8099 node floor-proxy.mjs
 * It prints "floor-proxy listening on <port>" once it accepts connections.
 *
 * `GET /__floor/event-loop-delay` answers its own event-loop delay since the previous such request
 * (JSON, milliseconds), sampled as Astra's /metrics samples it (Node's monitor, 10 ms resolution),
 * so the two can be compared under the same load.
 */
import { createServer, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Pool } from 'undici';
import { samplingIntervalMs } from './astra-metrics.js';

/** Headers that describe one connection, not the message: never forwarded (RFC 9110 §7.6.1). */
const hopByHop = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'host']);

function endToEnd(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const kept: OutgoingHttpHeaders = {};
  for (const name in headers) {
    if (!hopByHop.has(name)) kept[name] = headers[name];
  }
  return kept;
}

const upstream = process.env.FLOOR_UPSTREAM;
const port = Number(process.env.PORT);
if (!upstream || !Number.isInteger(port) || port <= 0) {
  console.error('floor-proxy: set FLOOR_UPSTREAM (an origin) and PORT');
  process.exit(2);
}

// As many upstream sockets as there are requests in flight, kept alive; no timeouts of its own
// (the bench bounds every request on the client side).
const pool = new Pool(upstream, { connections: null, pipelining: 1, headersTimeout: 0, bodyTimeout: 0 });

// The same monitor and resolution as prom-client's default metrics in Astra, so one interval is
// taken off both figures.
const loopDelay = monitorEventLoopDelay({ resolution: samplingIntervalMs });
loopDelay.enable();
const eventLoopDelayPath = '/__floor/event-loop-delay';

const server = createServer({ noDelay: true, keepAliveTimeout: 65_000 }, (request, response) => {
  if (request.url === eventLoopDelayPath) {
    const body = JSON.stringify({ p99Ms: loopDelay.percentile(99) / 1e6, maxMs: loopDelay.max / 1e6, minMs: loopDelay.min / 1e6 });
    loopDelay.reset();
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    response.end(body);
    return;
  }
  const method = request.method ?? 'GET';
  const hasBody = method !== 'GET' && method !== 'HEAD';
  let finished = false;
  pool.dispatch(
    {
      method: method as 'GET',
      path: request.url ?? '/',
      headers: endToEnd(request.headers) as Record<string, string>,
      // The request body is streamed through as it arrives (with its Content-Length, so no chunking).
      body: hasBody ? request : null,
    },
    {
      onRequestStart(controller) {
        response.once('close', () => {
          if (!finished) controller.abort(new Error('client went away'));
        });
      },
      onResponseStart(_controller, statusCode, headers) {
        response.writeHead(statusCode, endToEnd(headers));
        // A streamed answer (no Content-Length) gets its head at once, as the upstream sent it;
        // a whole one goes out with its body in one write.
        if (headers['content-length'] === undefined) response.flushHeaders();
      },
      onResponseData(controller, chunk) {
        if (!response.write(chunk)) {
          controller.pause();
          response.once('drain', () => controller.resume());
        }
      },
      onResponseEnd() {
        finished = true;
        response.end();
      },
      onResponseError(_controller, error) {
        finished = true;
        if (response.headersSent) {
          response.destroy(error);
          return;
        }
        const body = JSON.stringify({ error: `floor-proxy: ${error.message}` });
        response.writeHead(502, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
        response.end(body);
      },
    },
  );
});

server.listen(port, '127.0.0.1', () => {
  console.log(`floor-proxy listening on ${port}`);
});

const stop = (): void => {
  server.close();
  server.closeAllConnections();
  void pool.destroy().finally(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
