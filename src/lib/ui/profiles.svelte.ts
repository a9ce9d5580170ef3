import type { TableProfile } from '../engine/api';
import { describeError, type ErrorView } from './describe-error';
import type { EngineQueue } from './engine-queue';

/** The profile of one table as the view sees it. */
export type ProfileState =
  | { status: 'loading' }
  | { status: 'ready'; profile: TableProfile }
  | { status: 'error'; error: ErrorView };

/** Table profiles, fetched once per table and load, kept until the table changes. */
export class Profiles {
  #byTable = $state.raw<Record<string, ProfileState>>({});
  #generation = 0;

  /** @param queue the engine queue */
  constructor(private readonly queue: EngineQueue) {}

  /**
   * The profile state of a table, if it was requested.
   * @param table the table name
   */
  get(table: string): ProfileState | undefined {
    return this.#byTable[table];
  }

  /**
   * Fetches a table's profile unless it is known or being fetched.
   * @param table the table name
   */
  ensure(table: string): void {
    if (this.#byTable[table]) return;
    this.#set(table, { status: 'loading' });
    const generation = this.#generation;
    this.queue
      .run((c) => c.call((api) => api.profile(table)))
      .then(
        (profile): ProfileState => ({ status: 'ready', profile }),
        (e): ProfileState => ({ status: 'error', error: describeError(e) })
      )
      .then((state) => {
        if (generation === this.#generation && this.#byTable[table]?.status === 'loading') this.#set(table, state);
      });
  }

  /**
   * Forgets a table's profile (dropped or reloaded).
   * @param table the table name
   */
  forget(table: string): void {
    const { [table]: _, ...rest } = this.#byTable;
    this.#byTable = rest;
  }

  /**
   * Moves a profile to a table's new name.
   * @param from old name
   * @param to new name
   */
  rename(from: string, to: string): void {
    const state = this.#byTable[from];
    this.forget(from);
    if (state?.status === 'ready') this.#set(to, { status: 'ready', profile: { ...state.profile, table: to } });
  }

  /** Forgets every profile (after an engine restart); answers still in flight are ignored. */
  clear(): void {
    this.#generation++;
    this.#byTable = {};
  }

  #set(table: string, state: ProfileState): void {
    this.#byTable = { ...this.#byTable, [table]: state };
  }
}
