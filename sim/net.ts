import { createServer, type RequestListener, type Server } from 'node:http';

/** A listen failure a person can fix, such as a port already in use. */
export class SimulatorListenError extends Error {
  override readonly name = 'SimulatorListenError';
}

export function listenHttp(handler: RequestListener, host: string, port: number): Promise<Server> {
  const server = createServer(handler);
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      const hint =
        error.code === 'EADDRINUSE'
          ? `port ${port} is already in use; stop the program using it or start the simulator with --port`
          : error.code === 'EACCES'
            ? `no permission to listen on port ${port}; use a port above 1023`
            : undefined;
      reject(hint ? new SimulatorListenError(`simulator: ${hint}`) : error);
    });
    server.listen(port, host, () => resolve(server));
  });
}
