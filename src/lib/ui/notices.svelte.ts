/** A message in the notice list: a failed load, a cancelled load, an engine restart. */
export interface Notice {
  id: number;
  kind: 'error' | 'info';
  message: string;
  /** The file the notice is about (shown as `data-file`). */
  file?: string;
  /** Raw engine text, shown in a details element. */
  detail?: string;
}

/** The notice list, newest first. */
export class Notices {
  /** Raw (not deeply reactive), so a notice's `message` getter formats it in the current UI language at each read. */
  items = $state.raw<Notice[]>([]);
  #next = 1;

  /**
   * Adds a notice.
   * @param notice kind, message (a function re-formats it when the UI language changes) and optional file and detail
   */
  push(notice: Omit<Notice, 'id' | 'message'> & { message: string | (() => string) }): void {
    const { message, ...rest } = notice;
    const text = typeof message === 'function' ? message : () => message;
    this.items = [
      {
        ...rest,
        id: this.#next++,
        get message() {
          return text();
        }
      },
      ...this.items
    ];
  }

  /**
   * Removes a notice.
   * @param id the notice's id
   */
  dismiss(id: number): void {
    this.items = this.items.filter((n) => n.id !== id);
  }
}
