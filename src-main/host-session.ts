import type { Session } from './store/session';

/** The one operator session a host may hold; locking drops it. */
export class SessionSlot {
  private session: Session | null = null;

  get current(): Session | null {
    return this.session && !this.session.locked ? this.session : null;
  }

  hold(session: Session): void {
    this.session = session;
  }

  async lock(): Promise<void> {
    const session = this.session;
    this.session = null;
    await session?.lock();
  }
}
