/** The commission ledger's rules: amounts and rounding, entry and withdrawal transitions, account moves, maturity. Pure; no SDK. */
export * from './account'
export * from './amounts'
export * from './maturity'
export * from './state'
