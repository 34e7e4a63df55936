import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ServedRequest {
  path: string;
  range?: string;
}

/**
 * A local HTTP file server for download tests (127.0.0.1, random port): serves byte ranges,
 * redirects /moved/* to /files/*, and can cut the connection after N bytes of a file's first
 * response to simulate a dropped download.
 */
export class TestFileServer {
  readonly requests: ServedRequest[] = [];
  private readonly files = new Map<string, Uint8Array>();
  private readonly cuts = new Map<string, number>();
  private server: Server | null = null;
  baseUrl = '';

  serve(name: string, bytes: Uint8Array): void {
    this.files.set(`/files/${name}`, bytes);
  }

  /** The next response for this file stops after `bytes` bytes, with the socket destroyed. */
  cutNext(name: string, bytes: number): void {
    this.cuts.set(`/files/${name}`, bytes);
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      this.requests.push({ path, ...(req.headers.range ? { range: req.headers.range } : {}) });
      if (path.startsWith('/moved/')) {
        res.writeHead(302, { Location: `/files/${path.slice('/moved/'.length)}` }).end();
        return;
      }
      const body = this.files.get(path);
      if (!body) {
        res.writeHead(404).end('not found');
        return;
      }
      let start = 0;
      const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
      if (range) {
        start = Number(range[1]);
        if (start >= body.length) {
          res.writeHead(416, { 'Content-Range': `bytes */${body.length}` }).end();
          return;
        }
        res.writeHead(206, {
          'Content-Length': body.length - start,
          'Content-Range': `bytes ${start}-${body.length - 1}/${body.length}`,
        });
      } else {
        res.writeHead(200, { 'Content-Length': body.length });
      }
      const cut = this.cuts.get(path);
      if (cut !== undefined) {
        this.cuts.delete(path);
        res.write(body.subarray(start, start + cut), () => res.socket?.destroy());
        return;
      }
      res.end(body.subarray(start));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    this.baseUrl = `http://127.0.0.1:${port}/files/`;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }
}
