import { createServer, type RequestListener, type Server } from 'node:http';

/** A listen failure a person can fix, such as a port already in use. */
export class ListenError extends Error {
  override readonly name = 'ListenError';
}

/** Starts an HTTP server and turns EADDRINUSE/EACCES into one clear sentence. */
export function listen(handler: RequestListener, host: string, port: number, what: string): Promise<Server> {
  const server = createServer(handler);
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') {
        reject(
          new ListenError(
            `${what}: port ${port} on ${host} is already in use; stop the program using it or choose another port`,
          ),
        );
      } else if (error.code === 'EACCES') {
        reject(
          new ListenError(`${what}: no permission to listen on ${host}:${port}; choose a port above 1023`),
        );
      } else if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND') {
        reject(new ListenError(`${what}: cannot listen on ${host}; it is not an address of this machine`));
      } else {
        reject(error);
      }
    });
    server.listen(port, host, () => resolve(server));
  });
}
