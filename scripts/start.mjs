// `npm start`: the offline demo. Until the demo lands (issue 6) this says so and exits 0.
console.log('react-mpc-backup: the offline demo comes with its issue (Storybook demo and `npm start`).')
console.log('Meanwhile: `npm test` runs every test; `npm run server` starts the share server on SQLite.')
