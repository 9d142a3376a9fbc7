/** Database round trips seen by the local cloud, in total and by calling function. */
export class RoundTripCounters {
  private total = 0
  private readonly byFunction = new Map<string, number>()
  private readonly byAction = new Map<string, number>()

  record(action: string, caller: string | undefined): void {
    this.total++
    this.byAction.set(action, (this.byAction.get(action) ?? 0) + 1)
    const who = caller || '(direct)'
    this.byFunction.set(who, (this.byFunction.get(who) ?? 0) + 1)
  }

  snapshot(): { total: number; byFunction: Record<string, number>; byAction: Record<string, number> } {
    return { total: this.total, byFunction: Object.fromEntries(this.byFunction), byAction: Object.fromEntries(this.byAction) }
  }

  reset(): void {
    this.total = 0
    this.byFunction.clear()
    this.byAction.clear()
  }
}
