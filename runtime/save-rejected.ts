/** A save that cannot be applied live: reported with its line, column and code frame; nothing of it runs. */
export class SaveRejected extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
    readonly frame: string,
  ) {
    super(message);
  }
}
