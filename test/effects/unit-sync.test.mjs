// Runs unit-cases.mjs with JURIG_EFFECTS=sync (the mode is chosen once per process).
process.env.JURIG_EFFECTS = 'sync';
await import('./unit-cases.mjs');
