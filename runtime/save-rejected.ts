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

/** A plan made against a running version that another save (or the Recoder) replaced before it could
 * apply: nothing of it was applied; it is made again from the text. */
export class StalePlan extends Error {
  constructor() {
    super('the running version changed while this save was planned');
  }
}
