/**
 * A minimal Marionette client (Firefox's remote protocol), enough to open a
 * session, navigate and run a script. Each message is `length:json`, the
 * length counting the bytes of the JSON. Commands are
 * [0, id, name, params]; replies are [1, id, error, result], error being
 * null or {error, message}. On connect the server first sends a hello object.
 */
import net from 'node:net';

export class MarionetteError extends Error {
  constructor(
    readonly error: string,
    message: string,
  ) {
    super(`${error}: ${message}`);
  }
}

type Reply = { readonly error: { error: string; message: string } | null; readonly result: unknown };

export class Marionette {
  private buffer = Buffer.alloc(0);
  private nextId = 1;
  private readonly waiting = new Map<number, (reply: Reply) => void>();
  private hello: ((message: unknown) => void) | undefined;
  private failure: Error | undefined;

  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', (error) => this.fail(error));
    socket.on('close', () => this.fail(new Error('Marionette closed the connection')));
  }

  /** Connects once Firefox listens (it takes seconds to start), then waits for the hello. */
  static async connect(port: number, deadline: number): Promise<Marionette> {
    for (;;) {
      try {
        const socket = await new Promise<net.Socket>((resolve, reject) => {
          const s = net.connect({ host: '127.0.0.1', port }, () => resolve(s));
          s.once('error', reject);
        });
        const client = new Marionette(socket);
        const hello = await client.withTimeout(new Promise((resolve) => (client.hello = resolve)), deadline);
        if ((hello as { marionetteProtocol?: number }).marionetteProtocol !== 3) {
          throw new Error(`unexpected Marionette hello: ${JSON.stringify(hello)}`);
        }
        return client;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ECONNREFUSED' || Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  }

  /** Sends a command and returns its result, or throws a MarionetteError carrying the WebDriver error name. */
  async command(name: string, params: Record<string, unknown> = {}, timeoutMs = 30_000): Promise<unknown> {
    if (this.failure) throw this.failure;
    const id = this.nextId++;
    const json = Buffer.from(JSON.stringify([0, id, name, params]), 'utf8');
    const reply = new Promise<Reply>((resolve) => this.waiting.set(id, resolve));
    this.socket.write(Buffer.concat([Buffer.from(`${json.length}:`, 'ascii'), json]));
    const { error, result } = await this.withTimeout(reply, Date.now() + timeoutMs);
    if (error) throw new MarionetteError(error.error, error.message);
    return result;
  }

  close(): void {
    this.socket.destroy();
  }

  private receive(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const colon = this.buffer.indexOf(0x3a);
      if (colon < 0) return;
      const length = Number(this.buffer.subarray(0, colon).toString('ascii'));
      if (this.buffer.length < colon + 1 + length) return;
      const message: unknown = JSON.parse(this.buffer.subarray(colon + 1, colon + 1 + length).toString('utf8'));
      this.buffer = this.buffer.subarray(colon + 1 + length);
      this.dispatch(message);
    }
  }

  private dispatch(message: unknown): void {
    if (!Array.isArray(message)) {
      this.hello?.(message);
      return;
    }
    const [type, id, error, result] = message as [number, number, Reply['error'], unknown];
    if (type !== 1) return;
    this.waiting.get(id)?.({ error, result });
    this.waiting.delete(id);
  }

  /** A closed or broken connection fails every command still waiting, at once rather than at its time-out. */
  private fail(error: Error): void {
    this.failure ??= error;
    for (const resolve of this.waiting.values())
      resolve({ error: { error: 'connection lost', message: error.message }, result: null });
    this.waiting.clear();
  }

  private withTimeout<T>(promise: Promise<T>, deadline: number): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(this.failure ?? new Error('Marionette did not answer in time')),
        Math.max(0, deadline - Date.now()),
      );
      promise.then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error instanceof Error ? error : new Error(String(error)));
        },
      );
    });
  }
}
