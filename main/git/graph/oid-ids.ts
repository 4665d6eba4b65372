/**
 * Small numbers for commit hashes, given in the order they are first named (as a commit or as a
 * parent). One table is shared by everything that reads one history (the parser, SettledOrder,
 * GraphLayout), so each hash is looked up once, as it is parsed, and the rest index typed
 * arrays: on git/git's 85k commits the look-ups were a third of the layout's time.
 */
export class OidIds {
  private readonly ids = new Map<string, number>();

  get size(): number {
    return this.ids.size;
  }

  idOf(oid: string): number {
    let id = this.ids.get(oid);
    if (id === undefined) {
      id = this.ids.size;
      this.ids.set(oid, id);
    }
    return id;
  }

  get(oid: string): number | undefined {
    return this.ids.get(oid);
  }
}
