// Runs unit-cases.mjs with JURIG_EFFECTS=als (the mode is chosen once per process).
process.env.JURIG_EFFECTS = 'als';
await import('./unit-cases.mjs');
