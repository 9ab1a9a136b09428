// Broken on purpose (a missing closing parenthesis): the harness must report the parse error
// that scenarioHarness.js records, the way a too-new bundle fails in an old TV engine.
window.runScenario = function (args {
  return args;
};
window.scenarioReady = true;
