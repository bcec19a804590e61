/** The one account, shown on the sign-in page. A real app checks a password hash from its database. */
export const DEMO_USER = { username: 'demo', password: 'demo', name: 'Demo User' }
