/**
 * Reads transaction logs in the three formats the CLI accepts, from text, reporting the
 * 1-based line of any bad row:
 * - csv:          header `customer_id,date,amount`; date YYYY-MM-DD or YYYYMMDD (a store day),
 *                 or an ISO instant with an offset, turned into a store day in `timeZone`;
 * - cdnow-master: `customer_id date n_cds dollars`, whitespace-separated, with a header;
 * - cdnow-sample: `master_id sample_id date n_cds dollars`, no header; the customer id is the
 *                 sample id as a number ('0001' -> '1').
 */
import { ValueInputError } from './errors'
import { DEFAULT_TIME_ZONE, dayNumber, storeDayOf, type Transaction } from './summary'

export type TransactionLogFormat = 'csv' | 'cdnow-master' | 'cdnow-sample'
export const TRANSACTION_LOG_FORMATS: readonly TransactionLogFormat[] = ['csv', 'cdnow-master', 'cdnow-sample']

export interface ReadOptions {
  timeZone?: string
  /** Called every 100,000 lines with the lines read so far and the total. */
  onProgress?: (linesRead: number, totalLines: number) => void
}

/** Parses a whole transaction log; throws ValueInputError with the line number on the first bad row. */
export function readTransactionLog(text: string, format: TransactionLogFormat, options: ReadOptions = {}): Transaction[] {
  const timeZone = options.timeZone ?? DEFAULT_TIME_ZONE
  const lines = text.split(/\r?\n/)
  const transactions: Transaction[] = []
  let columns: { id: number; date: number; amount: number } | null = null
  let headerSeen = format === 'cdnow-sample'
  for (let index = 0; index < lines.length; index++) {
    const lineNumber = index + 1
    if (options.onProgress && lineNumber % 100000 === 0) options.onProgress(lineNumber, lines.length)
    const line = index === 0 ? lines[index].replace(/^\uFEFF/, '') : lines[index]
    if (line.trim() === '') continue
    if (!headerSeen) {
      headerSeen = true
      if (format === 'csv') {
        columns = csvHeader(line, lineNumber)
      } else if (!/^\s*customer_id\b/i.test(line) && /^\s*\d/.test(line)) {
        throw new ValueInputError('BAD_HEADER', 'cdnow-master files start with a header line (customer_id date n_cds dollars)', lineNumber)
      }
      continue
    }
    transactions.push(format === 'csv' ? csvRow(line, lineNumber, columns!, timeZone) : cdnowRow(line, lineNumber, format))
  }
  if (transactions.length === 0) throw new ValueInputError('EMPTY_INPUT', 'the file has no transactions')
  return transactions
}

function csvHeader(line: string, lineNumber: number): { id: number; date: number; amount: number } {
  const names = splitCsvLine(line, lineNumber).map((name) => name.trim().toLowerCase())
  const id = names.indexOf('customer_id')
  const date = names.indexOf('date')
  const amount = names.indexOf('amount')
  if (id < 0 || date < 0 || amount < 0) {
    throw new ValueInputError('BAD_HEADER', `expected a header with customer_id,date,amount, got '${line}'`, lineNumber)
  }
  return { id, date, amount }
}

function csvRow(line: string, lineNumber: number, columns: { id: number; date: number; amount: number }, timeZone: string): Transaction {
  const fields = splitCsvLine(line, lineNumber)
  const width = Math.max(columns.id, columns.date, columns.amount) + 1
  if (fields.length < width) throw new ValueInputError('BAD_LINE', `expected ${width} fields, got ${fields.length}`, lineNumber)
  const customerId = fields[columns.id].trim()
  if (customerId === '') throw new ValueInputError('BAD_LINE', 'empty customer_id', lineNumber)
  return { customerId, day: parseDay(fields[columns.date].trim(), lineNumber, timeZone), amount: parseAmount(fields[columns.amount].trim(), lineNumber) }
}

function cdnowRow(line: string, lineNumber: number, format: 'cdnow-master' | 'cdnow-sample'): Transaction {
  const fields = line.trim().split(/\s+/)
  const expected = format === 'cdnow-master' ? 4 : 5
  if (fields.length !== expected) {
    throw new ValueInputError('BAD_LINE', `expected ${expected} whitespace-separated fields for ${format}, got ${fields.length}`, lineNumber)
  }
  const offset = format === 'cdnow-master' ? 0 : 1
  let customerId = fields[offset]
  if (format === 'cdnow-sample') {
    if (!/^\d+$/.test(customerId)) throw new ValueInputError('BAD_LINE', `sample id must be digits, got '${customerId}'`, lineNumber)
    customerId = String(Number(customerId))
  }
  const day = parseDay(fields[offset + 1], lineNumber, DEFAULT_TIME_ZONE)
  if (!/^\d+$/.test(fields[offset + 2])) throw new ValueInputError('BAD_LINE', `number of CDs must be a whole number, got '${fields[offset + 2]}'`, lineNumber)
  return { customerId, day, amount: parseAmount(fields[offset + 3], lineNumber) }
}

function parseDay(text: string, lineNumber: number, timeZone: string): number {
  try {
    if (/^\d{4}-?\d{2}-?\d{2}$/.test(text)) return dayNumber(text)
    if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(text)) return dayNumber(storeDayOf(text, timeZone))
  } catch (error) {
    if (error instanceof ValueInputError) throw new ValueInputError(error.code, error.message, lineNumber)
    throw error
  }
  throw new ValueInputError('INVALID_DATE', `date must be YYYY-MM-DD, YYYYMMDD or an ISO instant with offset, got '${text}'`, lineNumber)
}

function parseAmount(text: string, lineNumber: number): number {
  const amount = Number(text)
  if (text === '' || !Number.isFinite(amount) || amount < 0) {
    throw new ValueInputError('INVALID_AMOUNT', `amount must be a number >= 0, got '${text}'`, lineNumber)
  }
  return amount
}

/** Splits one CSV line (RFC 4180 quoting, no line breaks inside fields). */
function splitCsvLine(line: string, lineNumber: number): string[] {
  const fields: string[] = []
  let field = ''
  let quoted = false
  for (let i = 0; i < line.length; i++) {
    const char = line[i]
    if (quoted) {
      if (char === '"') {
        if (line[i + 1] === '"') {
          field += '"'
          i++
        } else {
          quoted = false
        }
      } else {
        field += char
      }
    } else if (char === '"' && field.trim() === '') {
      quoted = true
      field = ''
    } else if (char === ',') {
      fields.push(field)
      field = ''
    } else {
      field += char
    }
  }
  if (quoted) throw new ValueInputError('BAD_LINE', 'unterminated quoted field', lineNumber)
  fields.push(field)
  return fields
}
