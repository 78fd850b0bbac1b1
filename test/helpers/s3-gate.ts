/**
 * A pass-through HTTP proxy in front of the test S3 server that records every request and can hold the
 * ones a test picks (a slow model download, a stalled write) until it lets them go. Headers, Host included,
 * pass unchanged, so the server still checks the signatures the client made for the proxy's address.
 */
import { createServer, request as forward, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import type { TestS3 } from "./s3-server.ts";

export interface SeenRequest {
  method: string;
  /** The path, bucket first: `/bucket/key`. */
  path: string;
}

export interface S3Gate {
  /** The endpoint to give the client instead of the server's. */
  endpoint: string;
  /** Every request received, in order. */
  seen: SeenRequest[];
  /** Holds each request matching `which` until {@link S3Gate.release}. */
  hold(which: (r: SeenRequest) => boolean): void;
  /** Lets every held request through, and holds nothing more. */
  release(): void;
  /** Resolves once `count` requests matching `which` have arrived. */
  arrived(which: (r: SeenRequest) => boolean, count?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startS3Gate(s3: TestS3): Promise<S3Gate> {
  const seen: SeenRequest[] = [];
  let holding: ((r: SeenRequest) => boolean) | undefined;
  let held: (() => void)[] = [];
  let arrivals: (() => void)[] = [];
  const pass = (req: IncomingMessage, res: import("node:http").ServerResponse) => {
    const upstream = forward(
      { host: "127.0.0.1", port: s3.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", () => res.destroy());
    req.pipe(upstream);
  };
  const server = createServer((req, res) => {
    const entry = { method: req.method ?? "", path: (req.url ?? "").split("?")[0] ?? "" };
    seen.push(entry);
    for (const wake of arrivals) wake();
    if (holding?.(entry)) {
      req.pause();
      held.push(() => pass(req, res));
    } else pass(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    seen,
    hold(which) {
      holding = which;
    },
    release() {
      holding = undefined;
      for (const go of held) go();
      held = [];
    },
    arrived(which, count = 1) {
      return new Promise((resolve) => {
        const check = () => {
          if (seen.filter(which).length < count) return;
          arrivals = arrivals.filter((a) => a !== check);
          resolve();
        };
        arrivals.push(check);
        check();
      });
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
