import { noneStrategy } from "./none";
import { oursStrategy } from "./ours";
import { safaAsPublishedStrategy } from "./safa-as-published";
import type { RoleStrategy, StrategyDeps, StrategyName } from "./types";

export { strategyNames, type RoleStrategy, type StrategyAnswer, type StrategyDeps, type StrategyName } from "./types";

const factories: Record<StrategyName, (deps: StrategyDeps) => RoleStrategy> = {
  none: noneStrategy,
  safa: safaAsPublishedStrategy,
  ours: oursStrategy,
};

export function createStrategy(name: StrategyName, deps: StrategyDeps): RoleStrategy {
  return factories[name](deps);
}
