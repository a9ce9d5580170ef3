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
  items = $state<Notice[]>([]);
  #next = 1;

  /**
   * Adds a notice.
   * @param notice kind, message and optional file and detail
   */
  push(notice: Omit<Notice, 'id'>): void {
    this.items = [{ ...notice, id: this.#next++ }, ...this.items];
  }

  /**
   * Removes a notice.
   * @param id the notice's id
   */
  dismiss(id: number): void {
    this.items = this.items.filter((n) => n.id !== id);
  }
}
