/**
 * Loads every match and target evaluator into the registries (side effect on import).
 */
import './targets/effects.js';
