/**
 * The floors of the house (README "Layout"): an import points down, or sideways within a floor,
 * never up; and no module imports itself through a loop. `npm run lint` runs this.
 *
 * Floor 1 domain · 2 workflows, clients, entities, secrets · 3 db, slack · 4 runtime, emulators ·
 * 5 activities · 6 wiring · 7 worker.ts, api, scripts · 8 bench (tests may import anything).
 */
const product = '^(domain|workflows|clients|entities|secrets|db|slack|runtime|emulators|activities|wiring|api|scripts|worker\\.ts)';

/** A rule: modules under `from` may not import modules under `to`. */
function floor(name, from, to, comment) {
  return { name, comment, severity: 'error', from: { path: from }, to: { path: to } };
}

module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      comment: 'Modules that import each other in a loop cannot be read (or loaded) one floor at a time.',
      severity: 'error',
      from: { path: product },
      to: { circular: true },
    },
    floor('domain-is-the-ground', '^domain/', '^(?!domain/)', 'domain/ is the vocabulary: it imports nothing, not even npm packages.'),
    floor('floor-2-imports-only-domain', '^(clients|entities|secrets)/', '^(workflows|db|slack|runtime|emulators|activities|wiring|api|scripts|bench|test)/|^worker\\.ts'),
    {
      name: 'workflows-import-activities-as-types-only',
      comment: "Temporal's typed proxyActivities idiom: `import type { MeetingActivities }` is erased at compile time.",
      severity: 'error',
      from: { path: '^workflows/' },
      to: { path: '^(clients|entities|secrets|db|slack|runtime|emulators|activities|wiring|api|scripts|bench|test)/|^worker\\.ts', dependencyTypesNot: ['type-only'] },
    },
    floor('floor-3-stays-below-runtime', '^(db|slack)/', '^(workflows|runtime|emulators|activities|wiring|api|scripts|bench|test)/|^worker\\.ts'),
    floor('runtime-stays-below-the-work', '^runtime/', '^(slack|emulators|activities|wiring|api|scripts|bench|test)/|^worker\\.ts'),
    floor('emulators-stay-test-only', '^(domain|workflows|clients|entities|secrets|db|slack|runtime|activities|wiring|api|worker\\.ts)', '^emulators/', 'Only scripts/, bench/ and test/ may import the emulators.'),
    floor('activities-stay-below-wiring', '^activities/', '^(wiring|api|scripts|bench|test)/|^worker\\.ts'),
    floor('wiring-stays-below-entry-points', '^wiring/', '^(api|scripts|bench|test)/|^worker\\.ts'),
    floor('api-never-runs-activities', '^api/', '^(activities|scripts|bench|test)/|^worker\\.ts', 'The API hands work to Temporal; it never calls an activity itself.'),
    floor('worker-is-not-an-api', '^worker\\.ts', '^(api|scripts|bench|test)/'),
    floor('scripts-below-bench', '^scripts/', '^(bench|test)/'),
    // Inside api/: meetings → http → slack, operator, connections → triggers → interactions → app.ts → server.ts
    floor('api-meetings-is-the-door', '^api/meetings/', '^api/(?!meetings/)'),
    floor('api-http-below-concerns', '^api/http/', '^api/(slack|operator|connections|triggers|interactions)/|^api/(app|server)\\.ts'),
    floor('api-edges-below-triggers', '^api/(slack|operator|connections)/', '^api/(triggers|interactions)/|^api/(app|server)\\.ts'),
    floor('api-triggers-below-interactions', '^api/triggers/', '^api/interactions/|^api/(app|server)\\.ts'),
    floor('api-interactions-below-app', '^api/interactions/', '^api/(app|server)\\.ts'),
    floor('api-app-below-server', '^api/app\\.ts', '^api/server\\.ts'),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist|\\.tools|\\.data)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.json'] },
  },
};
