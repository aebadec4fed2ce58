/** A started part of the system, stopped in reverse order of starting. */
export interface Stoppable {
  name: string;
  stop(): Promise<void>;
  /** On a forced exit (a second Ctrl+C): a last synchronous step, such as signalling a child process. */
  stopNow?(): void;
}
