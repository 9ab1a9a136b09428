// Placeholder while the CLI is being written in this session.
console.log('ondeck');
