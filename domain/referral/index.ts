export * from './binding'
export * from './codes'
export * from './scenes'
