/**
 * The value CLI as store owners run it, on the CDNOW sample: JSON output, published fits,
 * scores, charts, and clear errors with exit codes.
 */
import { execFile } from 'child_process'
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'fs'
import { tmpdir } from 'os'
import * as path from 'path'
import { CDNOW_SAMPLE } from './cdnow'

const REPO = path.resolve(__dirname, '../..')
const TSX = path.join(REPO, 'node_modules/.bin/tsx')
const CLI = path.join(REPO, 'domain/value/cli.ts')

interface Run {
  code: number
  stdout: string
  stderr: string
}

function runCli(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(TSX, [CLI, ...args], { cwd: REPO, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as NodeJS.ErrnoException & { code?: number }).code ?? 1) : 0, stdout, stderr })
    })
  })
}

const sample = ['--input', CDNOW_SAMPLE, '--format', 'cdnow-sample', '--calibration-end', '1997-09-30']
const outDir = mkdtempSync(path.join(tmpdir(), 'value-cli-'))
const badFile = path.join(outDir, 'bad.csv')
writeFileSync(badFile, 'customer_id,date,amount\na,2024-01-01,3\nb,2024-01-02,3\nc,2024-02-31,3\n')

// Start every CLI run at once: they are independent processes.
const runs = {
  pnbd: runCli(['fit', '--model', 'pnbd', ...sample]),
  bgnbd: runCli(['fit', '--model', 'bgnbd', ...sample]),
  gg: runCli(['fit', '--model', 'gg', ...sample]),
  score: runCli(['score', '--model', 'bgnbd', ...sample, '--horizon', '39', '--margin', '0.3', '--annual-discount', '0.15']),
  plot: runCli(['plot', ...sample, '--out-dir', outDir]),
  badFile: runCli(['fit', '--model', 'pnbd', '--input', badFile, '--format', 'csv', '--calibration-end', '2024-03-01']),
  badUsage: runCli(['score', '--model', 'pnbd', ...sample]),
}

jest.setTimeout(60000)

describe('value fit', () => {
  it('prints the published Pareto/NBD fit as one JSON object with the issue fields', async () => {
    const { code, stdout } = await runs.pnbd
    expect(code).toBe(0)
    const result = JSON.parse(stdout)
    expect(Object.keys(result).sort()).toEqual(['converged', 'customers', 'logLikelihood', 'model', 'params', 'seconds'])
    expect(Object.keys(result.params)).toEqual(['r', 'alpha', 's', 'beta'])
    expect(result).toMatchObject({ model: 'pnbd', customers: 2357, converged: true })
    expect(Math.abs(result.logLikelihood - -9594.976)).toBeLessThan(0.01)
    expect(Math.abs(result.params.beta / 11.669 - 1)).toBeLessThan(0.005)
  })

  it('prints the published BG/NBD and Gamma-Gamma fits', async () => {
    const bgnbd = JSON.parse((await runs.bgnbd).stdout)
    expect(Object.keys(bgnbd.params)).toEqual(['r', 'alpha', 'a', 'b'])
    expect(Math.abs(bgnbd.logLikelihood - -9582.429)).toBeLessThan(0.01)
    expect(Math.abs(bgnbd.params.a / 0.793 - 1)).toBeLessThan(0.005)
    const gg = JSON.parse((await runs.gg).stdout)
    expect(Object.keys(gg.params)).toEqual(['p', 'q', 'gamma'])
    expect(gg.customers).toBe(946)
    expect(Math.abs(gg.params.gamma / 15.44 - 1)).toBeLessThan(0.005)
  })
})

describe('value score', () => {
  it('prints a JSON line per customer and a summary whose expected holdout purchases are the BTYD 1,653', async () => {
    const { code, stdout } = await runs.score
    expect(code).toBe(0)
    const lines = stdout.trim().split('\n').map((line) => JSON.parse(line))
    expect(lines).toHaveLength(2358)
    const first = lines[0]
    expect(Object.keys(first)).toEqual(['id', 'x', 't_x', 'T', 'pAlive', 'expectedPurchases', 'expectedSpend', 'clv'])
    expect(first.id).toBe(1)
    expect(first.x).toBe(2)
    expect(first.expectedPurchases).toBeCloseTo(1.226, 2)
    expect(first.pAlive).toBeCloseTo(0.7266, 3)
    expect(first.expectedSpend).toBeCloseTo(24.66, 1)
    expect(first.clv).toBeGreaterThan(0)
    const summary = lines[lines.length - 1]
    expect(summary.customers).toBe(2357)
    expect(summary.expectedPurchases).toBeCloseTo(1653.4, 1)
  })
})

describe('value plot', () => {
  it('writes the holdout and P(alive) charts as SVG', async () => {
    const { code, stdout } = await runs.plot
    expect(code).toBe(0)
    const { files } = JSON.parse(stdout)
    expect(files).toHaveLength(2)
    for (const file of files) {
      expect(existsSync(file)).toBe(true)
      const svg = readFileSync(file, 'utf8')
      expect(svg.startsWith('<svg')).toBe(true)
      expect(svg.trim().endsWith('</svg>')).toBe(true)
    }
    expect(readFileSync(files[0], 'utf8')).toContain('1882 actual')
  })
})

describe('value errors', () => {
  it('name the file and line of a bad row and exit 1', async () => {
    const { code, stderr, stdout } = await runs.badFile
    expect(code).toBe(1)
    expect(stdout).toBe('')
    expect(stderr).toContain(`${badFile}: line 4:`)
  })

  it('exit 2 with usage when a required option is missing', async () => {
    const { code, stderr } = await runs.badUsage
    expect(code).toBe(2)
    expect(stderr).toContain('--horizon is required')
  })
})
