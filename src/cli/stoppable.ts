/** A started part of the system, stopped in reverse order of starting. */
export interface Stoppable {
  name: string;
  stop(): Promise<void>;
}
