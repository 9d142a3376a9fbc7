/** Whether an SDK error is a write refused by a unique key (`_id` or a unique index). */
export function isDuplicateWrite(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | undefined
  return e?.code === 'DATABASE_DUPLICATE_WRITE' || /duplicate key|E11000/i.test(String(e?.message ?? ''))
}
