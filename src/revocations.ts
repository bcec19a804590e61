// The package's 'iron-fetch-session/revocations' entry (dist/revocations.js): the code is in src/revocations/.
export * from './revocations/index.ts'
